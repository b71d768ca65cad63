using Microsoft.Extensions.Options;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Appointments;

/// <summary>
/// The pure rules of SPEC §5: which messages a booking plans, which are due now, what a send outcome
/// does to a message, and when the booking must wake next. The grain only applies these decisions.
/// </summary>
public sealed class NotificationSchedule(IOptions<NotificationOptions> options, TimeProvider time)
{
    private readonly NotificationOptions _options = options.Value;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The messages of a new booking: the first one at once, the bio and reminders ahead of the meeting.</summary>
    public List<Notification> Plan(BookingDetails booking, bool canSend)
    {
        var now = Now;
        var first = booking.OldInviteeUri is null ? NotificationKind.Confirmation : NotificationKind.Rescheduled;
        var plan = new List<Notification>
        {
            Planned(first, now, null),
            // A bio whose time has passed still goes out at once: the client must know the advisor beforehand.
            Planned(NotificationKind.AdvisorBio, Max(booking.StartTime - _options.AdvisorBioLeadTime, now), null),
        };
        foreach (var lead in _options.ReminderLeadTimes.Distinct().OrderByDescending(t => t))
        {
            var reminder = Planned(NotificationKind.Reminder, booking.StartTime - lead, lead);
            if (reminder.DueAt < now)
            {
                Skip(reminder, "reminder time had passed at booking");
            }
            plan.Add(reminder);
        }

        foreach (var entry in plan.Where(e => e.State == NotificationState.Pending))
        {
            if (!canSend)
            {
                Skip(entry, "no usable phone number");
            }
            else if (booking.StartTime <= now)
            {
                Skip(entry, "meeting had started");
            }
        }
        return plan;
    }

    /// <summary>A message to send now, or null when nothing is due. Pending or interrupted, oldest first.</summary>
    public Notification? NextDue(IEnumerable<Notification> notifications) =>
        notifications.Where(IsDue).OrderBy(WakeAt).FirstOrDefault();

    /// <summary>When the booking must next wake up to send, or null when nothing is left to send.</summary>
    public DateTimeOffset? NextWake(IEnumerable<Notification> notifications) =>
        notifications.Where(IsOpen).Select(n => (DateTimeOffset?)WakeAt(n)).Min();

    /// <summary>
    /// How the booking wakes next: the durable reminder toward the next message (capped, never sooner than one
    /// period, left alone when already armed for that time), plus a timer when the wait is shorter than a period.
    /// </summary>
    /// <param name="notifications">The booking's messages.</param>
    /// <param name="notBefore">The recipient's next free slot, when the number is busy.</param>
    /// <param name="armedFor">When the reminder was last armed to tick, if known.</param>
    public WakePlan PlanWake(IEnumerable<Notification> notifications, DateTimeOffset? notBefore, DateTimeOffset? armedFor)
    {
        var wake = NextWake(notifications);
        if (wake is null)
        {
            return new WakePlan(TimerIn: null, ReminderDue: null, Disarm: true);
        }
        if (notBefore > wake)
        {
            wake = notBefore;
        }
        var now = Now;
        var untilWake = wake.Value - now;
        TimeSpan? timer = untilWake < _options.ReminderPeriod ? (untilWake < TimeSpan.Zero ? TimeSpan.Zero : untilWake) : null;
        var due = ReminderDueTime(wake.Value);
        if (due < _options.ReminderPeriod)
        {
            due = _options.ReminderPeriod;
        }
        var armedAlready = armedFor is { } armed && armed > now && (armed - (now + due)).Duration() < ArmTolerance;
        return new WakePlan(timer, armedAlready ? null : due, Disarm: false);
    }

    private static readonly TimeSpan ArmTolerance = TimeSpan.FromSeconds(5);

    /// <summary>How long the booking's reminder should wait: toward the next wake-up, never longer than the cap.</summary>
    public TimeSpan ReminderDueTime(DateTimeOffset wake)
    {
        var wait = wake - Now;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > _options.MaxReminderDueTime ? _options.MaxReminderDueTime : wait;
    }

    public TimeSpan ReminderPeriod => _options.ReminderPeriod;

    /// <summary>Nothing is sent for a meeting that has started.</summary>
    public bool MeetingStarted(BookingDetails booking) => booking.StartTime <= Now;

    /// <summary>Marks the message claimed by this activation; persisted before the request goes out.</summary>
    public void Claim(Notification entry)
    {
        entry.State = NotificationState.Sending;
        entry.Attempts++;
        entry.ClaimedAt = Now;
        entry.NextAttemptAt = null;
    }

    /// <summary>Applies one attempt's outcome: sent, recorded, retried later with backoff, or failed for good.</summary>
    public void Apply(Notification entry, SendOutcome outcome, BookingDetails booking)
    {
        entry.ClaimedAt = null;
        entry.LastError = outcome.Describe();
        switch (outcome.Result)
        {
            case SendResult.Sent:
            case SendResult.DryRun:
                entry.State = outcome.Result == SendResult.Sent ? NotificationState.Sent : NotificationState.DryRun;
                entry.MessageId = outcome.MessageId;
                entry.SentAt = Now;
                break;
            case SendResult.Transient when entry.Attempts < _options.MaxAttempts:
                var retryAt = Now + RetryDelay(entry.Attempts, outcome.RetryAfter);
                if (retryAt >= booking.StartTime)
                {
                    entry.State = NotificationState.Failed;
                    entry.LastError += " (no retry: the meeting starts before the next attempt)";
                    break;
                }
                entry.State = NotificationState.Pending;
                entry.NextAttemptAt = retryAt;
                break;
            default:
                entry.State = NotificationState.Failed;
                break;
        }
    }

    public static void Skip(Notification entry, string reason)
    {
        entry.State = NotificationState.Skipped;
        entry.LastError = reason;
    }

    /// <summary>Exponential backoff with full jitter over the upper half, honouring Meta's Retry-After.</summary>
    public TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter)
    {
        var exponential = _options.RetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 16));
        var capped = exponential > _options.RetryMaxDelay ? _options.RetryMaxDelay : exponential;
        var jittered = capped * (0.5 + (Random.Shared.NextDouble() / 2));
        return retryAfter is { } after && after > jittered ? after : jittered;
    }

    private bool IsOpen(Notification n) => n.State is NotificationState.Pending or NotificationState.Sending;

    private bool IsDue(Notification n) => IsOpen(n) && WakeAt(n) <= Now;

    private DateTimeOffset WakeAt(Notification n) => n.State == NotificationState.Sending
        ? (n.ClaimedAt ?? n.DueAt) + _options.SendTimeout
        : n.NextAttemptAt ?? n.DueAt;

    private static Notification Planned(NotificationKind kind, DateTimeOffset due, TimeSpan? lead) =>
        new() { Kind = kind, DueAt = due, LeadTime = lead, State = NotificationState.Pending };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>What the booking arms: a timer (null: none), the reminder's due time (null: keep as armed), or no reminder at all.</summary>
public sealed record WakePlan(TimeSpan? TimerIn, TimeSpan? ReminderDue, bool Disarm);
