using Microsoft.Extensions.Options;

namespace Turtle.Grains.Delivery;

/// <summary>What the booking arms: a timer (null: none), the reminder's due time (null: keep as armed), or no reminder at all.</summary>
public sealed record WakePlan(TimeSpan? TimerIn, TimeSpan? ReminderDue, bool Disarm);

/// <summary>
/// When a holder of messages (a booking, an agenda) wakes, decided here and nowhere else: one durable reminder toward
/// the next message (capped, never sooner than one period, left alone when already armed for that time), a timer when
/// the wait is shorter than a period, and the short waits after something that must be done again soon.
/// </summary>
public sealed class WakePolicy(IOptions<NotificationOptions> options, SendRules rules)
{
    /// <summary>At once: a change that lets messages go (a cancel, a journey step, a send's late answer).</summary>
    public static readonly TimeSpan Now = TimeSpan.Zero;

    /// <summary>A sent message's outcome is in memory only because storage failed: it is written again after this.</summary>
    public static readonly TimeSpan UnrecordedOutcomeRetry = TimeSpan.FromSeconds(5);

    /// <summary>A holder could not settle what it owes others (the attention list was out): it tries again after this.</summary>
    public static readonly TimeSpan SettleRetry = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ArmTolerance = TimeSpan.FromSeconds(5);
    private readonly NotificationOptions _options = options.Value;

    public TimeSpan ReminderPeriod => _options.ReminderPeriod;

    /// <summary>When the holder next wakes to send, or null when nothing is left to send (the index keeps it for the watchdog).</summary>
    public DateTimeOffset? NextWake(IEnumerable<Notification> messages) => rules.NextWake(messages);

    /// <summary>What to arm for <paramref name="needs"/>: the reminder stays while something besides a message needs it.</summary>
    /// <param name="needs">What the wake-up is for.</param>
    /// <param name="armedFor">When the reminder was last armed to tick, if known.</param>
    /// <param name="now">The current time.</param>
    public WakePlan Plan(WakeNeeds needs, DateTimeOffset? armedFor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var plan = needs.WakeSoon ? PlanSoon(needs.Messages, armedFor, now) : Plan(needs.Messages, armedFor, now);
        return plan.Disarm && needs.KeepWaking
            ? new WakePlan(TimerIn: null, ReminderDue: armedFor > now ? null : _options.ReminderPeriod, Disarm: false)
            : plan;
    }

    /// <param name="notifications">The booking's messages (one waiting for its number's send slot has that as its next attempt).</param>
    /// <param name="armedFor">When the reminder was last armed to tick, if known.</param>
    /// <param name="now">The current time.</param>
    public WakePlan Plan(IEnumerable<Notification> notifications, DateTimeOffset? armedFor, DateTimeOffset now)
    {
        if (NextWake(notifications) is not { } wake)
        {
            return new WakePlan(TimerIn: null, ReminderDue: null, Disarm: true);
        }
        var untilWake = wake - now;
        TimeSpan? timer = untilWake < _options.ReminderPeriod ? (untilWake < TimeSpan.Zero ? TimeSpan.Zero : untilWake) : null;
        var due = ReminderDueTime(wake, now);
        if (due < _options.ReminderPeriod)
        {
            due = _options.ReminderPeriod;
        }
        var armedAlready = armedFor is { } armed && armed > now && (armed - (now + due)).Duration() < ArmTolerance;
        return new WakePlan(timer, armedAlready ? null : due, Disarm: false);
    }

    /// <summary>
    /// As <see cref="Plan(IEnumerable{Notification}, DateTimeOffset?, DateTimeOffset)"/>, but the reminder ticks within one period whatever is due, and stays when nothing is:
    /// something besides a message needs the booking to wake soon (its listing is not stored yet).
    /// </summary>
    public WakePlan PlanSoon(IEnumerable<Notification> notifications, DateTimeOffset? armedFor, DateTimeOffset now)
    {
        var plan = Plan(notifications, armedFor, now);
        var latest = now + _options.ReminderPeriod + ArmTolerance;
        var ticksAt = plan.ReminderDue is { } due ? now + due : armedFor;
        if (!plan.Disarm && ticksAt > now && ticksAt <= latest)
        {
            return plan;
        }
        var armedSoon = armedFor is { } armed && armed > now && armed <= latest;
        return new WakePlan(plan.TimerIn, armedSoon ? null : _options.ReminderPeriod, Disarm: false);
    }

    /// <summary>How long the booking's reminder should wait: toward the next wake-up, never longer than the cap.</summary>
    public TimeSpan ReminderDueTime(DateTimeOffset wake, DateTimeOffset now)
    {
        var wait = wake - now;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > _options.MaxReminderDueTime ? _options.MaxReminderDueTime : wait;
    }
}
