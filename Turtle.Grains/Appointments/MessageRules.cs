using Microsoft.Extensions.Options;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Appointments;

/// <summary>Whether a due message may go now (SPEC §5, §6).</summary>
public enum GateDecision
{
    Open,
    /// <summary>Not sent, ever; the entry says why.</summary>
    Skipped,
    /// <summary>Its text names the advisor and none is assigned yet.</summary>
    NeedsAdvisor,
}

/// <summary>
/// The rules of a booking's messages, as decisions: what a booking plans, what is due, whether a due message may go,
/// what an event or a send outcome does to the plan. Time and chance are inputs, so every rule is a plain function;
/// the grain and the dispatcher apply the decisions.
/// </summary>
public sealed class MessageRules(IOptions<NotificationOptions> options)
{
    private readonly NotificationOptions _options = options.Value;

    public const string NoPhone = "no usable phone number";
    public const string MeetingStarted = "meeting had started";
    public const string NoAdvisorToTell = "no advisor is assigned to tell";

    /// <summary>The messages of a booking stored at <paramref name="now"/>.</summary>
    public List<Notification> Plan(BookingDetails booking, bool canSend, DateTimeOffset now)
    {
        var plan = new List<Notification>();
        foreach (var rule in MessageKinds.All.Where(r => !_options.IsDisabled(r.Kind)))
        {
            foreach (var planned in rule.PlannedAtBooking(booking, _options, now))
            {
                var entry = new Notification { Kind = rule.Kind, DueAt = planned.DueAt, LeadTime = planned.LeadTime, State = NotificationState.Pending };
                if (entry.DueAt <= now)
                {
                    // Goes out with the booking's webhook (or reconciliation), not at a reminder's tick.
                    entry.Trigger = booking.Source;
                }
                if (entry.DueAt < now)
                {
                    if (rule.IfPassedAtBooking == WhenPassedAtBooking.SendAtOnce)
                    {
                        entry.DueAt = now;
                    }
                    else
                    {
                        Skip(entry, $"{rule.Kind.ToString().ToLowerInvariant()} time had passed at booking");
                    }
                }
                plan.Add(entry);
            }
        }
        foreach (var entry in plan.Where(e => e.State == NotificationState.Pending))
        {
            if (!canSend)
            {
                Skip(entry, NoPhone);
            }
            else if (booking.StartTime <= now)
            {
                Skip(entry, MeetingStarted);
            }
        }
        return plan;
    }

    /// <summary>
    /// What <paramref name="bookingEvent"/> does to the plan: pending messages it cancels are cancelled, and the kinds it
    /// sends are added, due now (unless the meeting has started for a kind that must go before it, or the kind is
    /// disabled). An event sends each of its kinds once per booking: a second decline or no-show mark adds nothing.
    /// <paramref name="by"/> is who caused it (<see cref="BookingSources"/>), as the sent messages' history names it.
    /// </summary>
    public void Apply(BookingEvent bookingEvent, List<Notification> plan, BookingDetails booking, DateTimeOffset now, string by)
    {
        // What went out is read before the event cancels anything: a message being sent counts as gone.
        var wentOut = plan.Where(n => n.State is NotificationState.Sent or NotificationState.DryRun or NotificationState.Sending)
            .Select(n => n.Kind).ToHashSet();
        foreach (var entry in plan.Where(n => IsOpen(n) && MessageKinds.Of(n.Kind).CancelledBy.Contains(bookingEvent)))
        {
            entry.State = NotificationState.Cancelled;
        }
        foreach (var rule in MessageKinds.All.Where(r => r.SentOn == bookingEvent && !_options.IsDisabled(r.Kind)))
        {
            if ((rule.SendUntil == SendUntil.MeetingStart && booking.StartTime <= now)
                || plan.Any(n => n.Kind == rule.Kind && n.State != NotificationState.Cancelled)
                || (rule.OnlyAfter is { } first && !wentOut.Contains(first)))
            {
                continue;
            }
            plan.Add(new Notification { Kind = rule.Kind, DueAt = now, State = NotificationState.Pending, Trigger = by });
        }
    }

    /// <summary>Whether a due message may go now; a message that may never go is marked skipped with the reason.</summary>
    public GateDecision Gate(Notification entry, BookingDetails booking, bool hasAdvisor, DateTimeOffset now)
    {
        var rule = MessageKinds.Of(entry.Kind);
        if (_options.IsDisabled(entry.Kind))
        {
            // Planned before the kind was disabled: it stays unsent.
            Skip(entry, $"{entry.Kind} is disabled ({NotificationOptions.Section}:{nameof(NotificationOptions.DisabledKinds)})");
            return GateDecision.Skipped;
        }
        if (rule.SendUntil == SendUntil.MeetingStart && booking.StartTime <= now)
        {
            Skip(entry, MeetingStarted);
            return GateDecision.Skipped;
        }
        if (rule.Audience == Audience.Client && booking.Phone is null)
        {
            Skip(entry, NoPhone);
            return GateDecision.Skipped;
        }
        if (rule.Audience == Audience.Advisor && !rule.NeedsAdvisor && !hasAdvisor)
        {
            Skip(entry, NoAdvisorToTell);
            return GateDecision.Skipped;
        }
        return rule.NeedsAdvisor && !hasAdvisor ? GateDecision.NeedsAdvisor : GateDecision.Open;
    }

    /// <summary>Nothing may be sent now (Meta refuses the access token): the message waits, unclaimed, and looks again later.</summary>
    public void Hold(Notification entry, string reason, DateTimeOffset now)
    {
        entry.NextAttemptAt = now + _options.HeldRecheckInterval;
        entry.LastError = reason;
    }

    /// <summary>A message waiting for an advisor tries again later, until the meeting starts.</summary>
    public void WaitForAdvisor(Notification entry, DateTimeOffset now)
    {
        entry.NextAttemptAt = now + _options.NoAdvisorRetryDelay;
        entry.LastError = "waiting for an advisor to be assigned";
    }

    /// <summary>A message to send now, or null when nothing is due: pending or interrupted, oldest first.</summary>
    public Notification? NextDue(IEnumerable<Notification> notifications, DateTimeOffset now) =>
        notifications.Where(n => IsOpen(n) && WakeAt(n) <= now).OrderBy(WakeAt).FirstOrDefault();

    /// <summary>When the booking must next wake up to send, or null when nothing is left to send.</summary>
    public DateTimeOffset? NextWake(IEnumerable<Notification> notifications) =>
        notifications.Where(IsOpen).Select(n => (DateTimeOffset?)WakeAt(n)).Min();

    /// <summary>Marks the message as being sent by this activation; persisted before the request goes out.</summary>
    public static void Claim(Notification entry, DateTimeOffset now)
    {
        entry.State = NotificationState.Sending;
        entry.Attempts++;
        entry.ClaimedAt = now;
        entry.NextAttemptAt = null;
    }

    /// <summary>Applies one attempt's outcome: sent, recorded, retried later with backoff, or failed for good.</summary>
    public void Apply(Notification entry, SendOutcome outcome, BookingDetails booking, DateTimeOffset now, Random random) =>
        Apply(entry, outcome, MessageKinds.Of(entry.Kind).SendUntil == SendUntil.MeetingStart ? booking.StartTime : null, now, random);

    /// <summary>Applies one attempt's outcome; a retry that would come at or after <paramref name="sendBy"/> fails instead.</summary>
    public void Apply(Notification entry, SendOutcome outcome, DateTimeOffset? sendBy, DateTimeOffset now, Random random)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(outcome);
        entry.ClaimedAt = null;
        entry.LastError = outcome.Describe();
        switch (outcome.Result)
        {
            case SendResult.Sent:
            case SendResult.DryRun:
                entry.State = outcome.Result == SendResult.Sent ? NotificationState.Sent : NotificationState.DryRun;
                entry.MessageId = outcome.MessageId;
                entry.MetaStatus = outcome.MessageStatus;
                entry.SentAt = now;
                break;
            case SendResult.TokenRefused:
                // Not the message's fault: it waits for a working token without using up its attempts.
                entry.State = NotificationState.Pending;
                entry.Attempts--;
                entry.NextAttemptAt = now + _options.HeldRecheckInterval;
                entry.LastError = $"held: Meta refused the WhatsApp access token ({outcome.Describe()}); sent once WhatsApp:AccessToken works again";
                break;
            case SendResult.Transient when entry.Attempts < _options.MaxAttempts:
                var retryAt = now + RetryDelay(entry.Attempts, outcome.RetryAfter, random);
                if (retryAt >= sendBy)
                {
                    entry.State = NotificationState.Failed;
                    entry.FailedAt = now;
                    entry.LastError += MessageKinds.Of(entry.Kind).SendUntil == SendUntil.MeetingStart
                        ? " (no retry: the meeting starts before the next attempt)"
                        : " (no retry: too late for the next attempt)";
                    break;
                }
                entry.State = NotificationState.Pending;
                entry.NextAttemptAt = retryAt;
                break;
            default:
                entry.State = NotificationState.Failed;
                entry.FailedAt = now;
                break;
        }
    }

    public static void Skip(Notification entry, string reason)
    {
        entry.State = NotificationState.Skipped;
        entry.LastError = reason;
    }

    /// <summary>Exponential backoff with full jitter over the upper half, honouring Meta's Retry-After.</summary>
    public TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponential = _options.RetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 16));
        var capped = exponential > _options.RetryMaxDelay ? _options.RetryMaxDelay : exponential;
        var jittered = capped * (0.5 + (random.NextDouble() / 2));
        return retryAfter is { } after && after > jittered ? after : jittered;
    }

    private static bool IsOpen(Notification n) => n.State is NotificationState.Pending or NotificationState.Sending;

    /// <summary>A claim older than the send timeout was interrupted (the silo died mid-send): it is due again then.</summary>
    private DateTimeOffset WakeAt(Notification n) => n.State == NotificationState.Sending
        ? (n.ClaimedAt ?? n.DueAt) + _options.SendTimeout
        : n.NextAttemptAt ?? n.DueAt;
}
