using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Delivery;

/// <summary>What the booking arms: a timer (null: none), the reminder's due time (null: keep as armed), or no reminder at all.</summary>
public sealed record WakePlan(TimeSpan? TimerIn, TimeSpan? ReminderDue, bool Disarm);

/// <summary>
/// When a booking must wake next, as a decision: one durable reminder toward the next message (capped, never sooner
/// than one period, left alone when already armed for that time), plus a timer when the wait is shorter than a period.
/// </summary>
public sealed class WakePolicy(IOptions<NotificationOptions> options, MessageRules rules)
{
    private static readonly TimeSpan ArmTolerance = TimeSpan.FromSeconds(5);
    private readonly NotificationOptions _options = options.Value;

    public TimeSpan ReminderPeriod => _options.ReminderPeriod;

    /// <param name="notifications">The booking's messages (one waiting for its number's send slot has that as its next attempt).</param>
    /// <param name="armedFor">When the reminder was last armed to tick, if known.</param>
    /// <param name="now">The current time.</param>
    public WakePlan Plan(IEnumerable<Notification> notifications, DateTimeOffset? armedFor, DateTimeOffset now)
    {
        if (rules.NextWake(notifications) is not { } wake)
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
    /// As <see cref="Plan"/>, but the reminder ticks within one period whatever is due, and stays when nothing is:
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
