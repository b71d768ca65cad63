using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments.Index;

/// <summary>
/// How often the watchdog sweeps and how overdue a booking must be before it wakes it. Normally every
/// <see cref="NotificationOptions.WatchdogInterval"/> past <see cref="NotificationOptions.WatchdogGrace"/>: a lost tick
/// is rare then. For <see cref="NotificationOptions.WatchdogRecoveryWindow"/> after a silo starts or a silo dies, at the
/// recovery pace: the timers of the dead silo's bookings are gone, and a reminder it owned ticks again only a period
/// after a survivor (or the restarted silo) has read it, so a message due meanwhile would otherwise wait that long.
/// </summary>
public sealed class WatchdogPace(NotificationOptions options)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _recoveringUntil = DateTimeOffset.MinValue;

    /// <summary>Sweeps at the recovery pace from <paramref name="now"/> for the recovery window (longer, if it was already).</summary>
    public void Recover(DateTimeOffset now)
    {
        var until = now + options.WatchdogRecoveryWindow;
        lock (_gate)
        {
            if (until > _recoveringUntil)
            {
                _recoveringUntil = until;
            }
        }
    }

    public bool Recovering(DateTimeOffset now)
    {
        lock (_gate)
        {
            return now < _recoveringUntil;
        }
    }

    /// <summary>How long after a sweep at <paramref name="now"/> the next one runs.</summary>
    public TimeSpan Interval(DateTimeOffset now) =>
        Recovering(now) ? Min(options.WatchdogRecoveryInterval, options.WatchdogInterval) : options.WatchdogInterval;

    /// <summary>How far past its wake-up a booking must be for a sweep at <paramref name="now"/> to wake it.</summary>
    public TimeSpan Grace(DateTimeOffset now) =>
        Recovering(now) ? Min(options.WatchdogRecoveryGrace, options.WatchdogGrace) : options.WatchdogGrace;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
