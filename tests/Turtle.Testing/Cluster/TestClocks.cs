using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Turtle.Grains;

namespace Turtle.Testing.Cluster;

/// <summary>
/// Clocks a test silo gives Turtle's own code (its <see cref="TurtleClock"/>) by the name in <c>Tests:TurtleClock</c>;
/// Orleans keeps the system's, so membership, gateways and reminders run as in production.
/// </summary>
public static class TestClocks
{
    public const string Key = "Tests:TurtleClock";
    private static readonly ConcurrentDictionary<string, TurtleClock> Clocks = new();

    /// <summary>The value of <see cref="Key"/> that gives a silo <paramref name="time"/>.</summary>
    public static string Register(TimeProvider time)
    {
        var name = Guid.NewGuid().ToString("N");
        Clocks[name] = new TurtleClock(time);
        return name;
    }

    public static TurtleClock? For(IConfiguration configuration) =>
        configuration[Key] is { } name && Clocks.TryGetValue(name, out var clock) ? clock : null;
}

/// <summary>
/// A <see cref="FakeTimeProvider"/> set to a chosen instant (a DST change, a firm's midnight) and then moved along with
/// real time, every few milliseconds, so a silo's bookings and agendas live on that date while the test waits seconds.
/// </summary>
public sealed class MovingFakeTime : IAsyncDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticker;

    public MovingFakeTime(DateTimeOffset startsAt)
    {
        Time = new FakeTimeProvider(startsAt);
        Name = TestClocks.Register(Time);
        _ticker = Task.Run(TickAsync);
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The value of <see cref="TestClocks.Key"/> for the silos that should run on it.</summary>
    public string Name { get; }

    private async Task TickAsync()
    {
        var real = Stopwatch.StartNew();
        var moved = TimeSpan.Zero;
        using var timer = new PeriodicTimer(Step);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            var elapsed = real.Elapsed;
            Time.Advance(elapsed - moved);
            moved = elapsed;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _ticker;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
