using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Delivery;
using Turtle.Grains.Hosting;
using Turtle.Grains.Telemetry;

namespace Turtle.Grains.Appointments.Index;

/// <summary>
/// The watch against lost reminder ticks. Orleans does not replay a tick missed while no silo owned the reminder
/// (dotnet/orleans#8867), and a booking re-arms only when it wakes: a lost tick would leave its message unsent for good.
/// Every silo asks the index shards of the current days (yesterday to the day after tomorrow, UTC) to wake the bookings
/// overdue by more than a grace, at the pace <see cref="WatchdogPace"/> sets: every
/// <see cref="NotificationOptions.WatchdogInterval"/> normally, every few seconds for a while after this silo starts or
/// the cluster declares a silo dead (its timers are gone; the reminders it owned tick again only a period after a
/// survivor has read them). Cheap: no storage scan, 64 shard calls, each shard sweeps once however many silos ask at
/// the same time, and wakes at most <see cref="MaxWakesPerShard"/> bookings a sweep.
/// </summary>
public sealed partial class BookingWatchdog(
    IGrainFactory grains, IClusterMembershipService membership, IOptions<NotificationOptions> options, TurtleClock time, ILogger<BookingWatchdog> logger)
    : BackgroundService
{
    public const int MaxWakesPerShard = 100;

    private static readonly TimeSpan MembershipRetry = TimeSpan.FromSeconds(5);
    private readonly WatchdogPace _pace = new(options.Value);
    private TaskCompletionSource _siloDied = NewSignal();

    /// <summary>Sweeps once now; how many bookings had a message due that their own wake-up had not sent.</summary>
    public async Task<int> SweepAsync()
    {
        var now = time.GetUtcNow();
        var grace = _pace.Grace(now);
        var shards = AppointmentIndex.KeysOf(now.AddDays(-1), now.AddDays(2));
        var woken = (await Task.WhenAll(shards.Select(key => grains.GetGrain<IAppointmentIndexGrain>(key).SweepAsync(now, grace, MaxWakesPerShard)))).Sum();
        if (woken > 0)
        {
            TurtleMetrics.WatchdogWakeups(woken);
            LogWoken(logger, woken);
        }
        return woken;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SweepAtPaceAsync(stoppingToken), WatchMembershipAsync(stoppingToken));

    private async Task SweepAtPaceAsync(CancellationToken stoppingToken)
    {
        // This silo has just started: after a restart, its bookings' timers are gone and its reminders not yet read.
        _pace.Recover(time.GetUtcNow());
        while (!stoppingToken.IsCancellationRequested)
        {
            var siloDied = Volatile.Read(ref _siloDied).Task;
            try
            {
                await SweepAsync();
            }
            catch (Exception e) when (!Stopping.Asked(e, stoppingToken))
            {
                // The cluster or storage is not there yet (start-up, an outage): the next sweep tries again.
                LogSweepFailed(logger, e.Message);
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(Task.Delay(_pace.Interval(time.GetUtcNow()), time, wait.Token), siloDied);
            await wait.CancelAsync();
        }
    }

    /// <summary>Sweeps at the recovery pace, at once, whenever a silo this one knew alive is declared dead.</summary>
    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        HashSet<SiloAddress>? alive = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
                {
                    var dead = alive?.Where(silo => snapshot.GetSiloStatus(silo) == SiloStatus.Dead).ToList() ?? [];
                    alive = [.. snapshot.Members.Values.Where(m => m.Status != SiloStatus.Dead).Select(m => m.SiloAddress)];
                    if (dead.Count > 0)
                    {
                        LogSiloDied(logger, string.Join(", ", dead));
                        _pace.Recover(time.GetUtcNow());
                        Interlocked.Exchange(ref _siloDied, NewSignal()).TrySetResult();
                    }
                }
            }
            catch (Exception e) when (!Stopping.Asked(e, stoppingToken))
            {
                LogMembershipFailed(logger, e.Message);
                await Task.Delay(MembershipRetry, time, stoppingToken);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watchdog woke {Woken} booking(s) with an unsent due message (their reminder tick was lost)")]
    private static partial void LogWoken(ILogger logger, int woken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watchdog sweep failed ({Error}); sweeping again next interval")]
    private static partial void LogSweepFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo(s) {Silos} declared dead: the watchdog sweeps every few seconds for a while")]
    private static partial void LogSiloDied(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watchdog could not follow the cluster's membership ({Error}); following it again shortly")]
    private static partial void LogMembershipFailed(ILogger logger, string error);
}
