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
/// Every silo, every <see cref="NotificationOptions.WatchdogInterval"/>, asks the index shards of the current days
/// (yesterday to the day after tomorrow, UTC) to wake the bookings overdue by more than
/// <see cref="NotificationOptions.WatchdogGrace"/>. Cheap: no storage scan, 64 shard calls, each shard sweeps once an
/// interval however many silos ask, and wakes at most <see cref="MaxWakesPerShard"/> bookings a sweep.
/// </summary>
public sealed partial class BookingWatchdog(IGrainFactory grains, IOptions<NotificationOptions> options, TurtleClock time, ILogger<BookingWatchdog> logger)
    : BackgroundService
{
    public const int MaxWakesPerShard = 100;

    /// <summary>Sweeps once now; how many bookings had a message due that their own wake-up had not sent.</summary>
    public async Task<int> SweepAsync()
    {
        var now = time.GetUtcNow();
        var grace = options.Value.WatchdogGrace;
        var shards = AppointmentIndex.KeysOf(now.AddDays(-1), now.AddDays(2));
        var woken = (await Task.WhenAll(shards.Select(key => grains.GetGrain<IAppointmentIndexGrain>(key).SweepAsync(now, grace, MaxWakesPerShard)))).Sum();
        if (woken > 0)
        {
            TurtleMetrics.WatchdogWakeups(woken);
            LogWoken(logger, woken);
        }
        return woken;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.WatchdogInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync();
            }
            catch (Exception e) when (!Stopping.Asked(e, stoppingToken))
            {
                // The cluster or storage is not there yet (start-up, an outage): the next interval sweeps again.
                LogSweepFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watchdog woke {Woken} booking(s) with an unsent due message (their reminder tick was lost)")]
    private static partial void LogWoken(ILogger logger, int woken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watchdog sweep failed ({Error}); sweeping again next interval")]
    private static partial void LogSweepFailed(ILogger logger, string error);
}
