using System.Collections.Concurrent;

namespace Turtle.Grains.Tests.Cluster;

/// <summary>
/// The system clock moved to a chosen instant (a DST change, a day boundary): it reads that instant plus the real time
/// passed since, and its timers run in real time, so a whole silo, Orleans' own timers and reminders included, lives at
/// that date while a test waits seconds. (A <c>FakeTimeProvider</c> advanced by a ticker deadlocks the silo: a timer
/// callback run inside <c>Advance</c> waits on work that needs the clock to move.) A fixture names it in
/// <c>Tests:Clock</c>; the test silo then uses it as its <see cref="TimeProvider"/>.
/// </summary>
public sealed class ShiftedClock : TimeProvider, IDisposable
{
    private static readonly ConcurrentDictionary<string, ShiftedClock> Clocks = new();
    private readonly TimeSpan _shift;

    public ShiftedClock(DateTimeOffset startsAt)
    {
        _shift = startsAt - System.GetUtcNow();
        Name = Guid.NewGuid().ToString("N");
        Clocks[Name] = this;
    }

    /// <summary>The value of <c>Tests:Clock</c> that gives a silo this clock.</summary>
    public string Name { get; }

    public static TimeProvider? Named(string? name) => name is not null && Clocks.TryGetValue(name, out var clock) ? clock : null;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _shift;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void Dispose() => Clocks.TryRemove(Name, out _);
}
