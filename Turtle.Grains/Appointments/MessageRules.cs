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
/// The rules of a booking's messages, as decisions: what a booking plans, whether a due message may go, what an event
/// does to the plan; what is due and what an attempt's outcome does are every message's (<see cref="SendRules"/>).
/// Time and chance are inputs, so every rule is a plain function; the grain and the dispatcher apply the decisions.
/// </summary>
public sealed class MessageRules(IOptions<NotificationOptions> options) : SendRules(options)
{
    public const string NoPhone = "no usable phone number";
    public const string MeetingStarted = "meeting had started";
    public const string NoAdvisorToTell = "no advisor is assigned to tell";

    /// <summary>The messages of a booking stored at <paramref name="now"/>.</summary>
    public List<Notification> Plan(BookingDetails booking, bool canSend, DateTimeOffset now)
    {
        var plan = new List<Notification>();
        foreach (var rule in MessageKinds.All.Where(r => !Options.IsDisabled(r.Kind)))
        {
            foreach (var planned in rule.PlannedAtBooking(booking, Options, now))
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
        foreach (var rule in MessageKinds.All.Where(r => r.SentOn == bookingEvent && !Options.IsDisabled(r.Kind)))
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
        if (Options.IsDisabled(entry.Kind))
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

    /// <summary>A message waiting for an advisor tries again later, until the meeting starts.</summary>
    public void WaitForAdvisor(Notification entry, DateTimeOffset now)
    {
        entry.NextAttemptAt = now + Options.NoAdvisorRetryDelay;
        entry.LastError = "waiting for an advisor to be assigned";
    }

    /// <summary>Applies one attempt's outcome: sent, recorded, retried later with backoff, or failed for good.</summary>
    public void Apply(Notification entry, SendOutcome outcome, BookingDetails booking, DateTimeOffset now, Random random) =>
        Apply(entry, outcome, SendBy(entry, booking), now, random);

    /// <summary>A message that must go before the meeting is not retried once it has started.</summary>
    public static Deadline? SendBy(Notification entry, BookingDetails booking)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(booking);
        return MessageKinds.Of(entry.Kind).SendUntil == SendUntil.MeetingStart ? new Deadline(booking.StartTime, "the meeting starts before the next attempt") : null;
    }
}
