namespace Turtle.Grains;

/// <summary>
/// The clock Turtle's own code reads (bookings, agendas, advisors, messaging): the system's, unless a test gives the
/// silo another. A type of its own, apart from the <see cref="TimeProvider"/> that Orleans resolves for membership,
/// reminders and timers, so a test can put the firm on another day (a DST change, say) without moving the cluster's
/// clock: a silo whose membership rows are dated months ahead is a silo its clients cannot find.
/// </summary>
public sealed class TurtleClock(TimeProvider inner) : TimeProvider
{
    /// <summary>The system's clock: what every silo runs on outside tests.</summary>
    public static TurtleClock Real { get; } = new(System);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
