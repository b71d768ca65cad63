namespace Turtle.Grains.Delivery;

/// <summary>
/// A holder's wake-ups, armed as <see cref="WakePolicy"/> decides: one durable reminder toward the next message due
/// (re-armed on every wake-up, so no tick is relied on alone), and a grain timer for waits shorter than its period.
/// </summary>
public sealed class WakeAlarm(IGrainBase grain, WakePolicy policy, TimeProvider time, Func<Task> wake)
{
    public const string ReminderName = "notifications";

    private IGrainTimer? _timer;
    /// <summary>When this activation last armed the reminder to tick; null when unknown or disarmed.</summary>
    private DateTimeOffset? _armedFor;

    /// <summary>This activation armed the reminder and has not removed it.</summary>
    public bool IsArmed => _armedFor is not null;

    /// <summary>A tick consumed the reminder's due time: it next fires a period later unless re-armed.</summary>
    public void Ticked(TickStatus status) =>
        _armedFor = new DateTimeOffset(DateTime.SpecifyKind(status.CurrentTickTime, DateTimeKind.Utc)) + status.Period;

    /// <summary>Points the reminder (and, for a short wait, a timer) at the next wake-up, or removes it when nothing is left.</summary>
    public async Task ArmAsync(WakeNeeds needs)
    {
        var now = time.GetUtcNow();
        var plan = policy.Plan(needs, _armedFor, now);
        if (plan.TimerIn is { } soon)
        {
            // Too soon for a reminder to be exact: a timer wakes this activation, the reminder backs it up.
            WakeIn(soon);
        }
        if (plan.Disarm)
        {
            if (await grain.GetReminder(ReminderName) is { } reminder)
            {
                await grain.UnregisterReminder(reminder);
            }
            _armedFor = null;
        }
        else if (plan.ReminderDue is { } due)
        {
            await grain.RegisterOrUpdateReminder(ReminderName, due, policy.ReminderPeriod);
            _armedFor = now + due;
        }
    }

    /// <summary>Wakes this activation after <paramref name="delay"/> (a timer: gone with the activation, the reminder stays).</summary>
    public void WakeIn(TimeSpan delay)
    {
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        if (_timer is null)
        {
            _timer = grain.RegisterGrainTimer(_ => wake(), new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }
}
