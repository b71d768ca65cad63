using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Calendly;

/// <summary>
/// Arms the reconciliation reminder when a silo starts. Storage may not answer yet (the silo started first): it tries
/// again for a while in the background rather than holding up or failing the silo's start.
/// </summary>
public static partial class ReconcileSchedule
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(15);
    private const int Attempts = 20;

    /// <summary>Starts the attempts and returns at once.</summary>
    public static Task EnsureInBackground(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var grains = services.GetRequiredService<IGrainFactory>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReconcileSchedule));
        _ = EnsureAsync(grains, logger);
        return Task.CompletedTask;
    }

    private static async Task EnsureAsync(IGrainFactory grains, ILogger logger)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IReconciliationGrain>(0).ScheduleAsync();
                return;
            }
            catch (Exception e) when (attempt < Attempts && e is not OperationCanceledException)
            {
                LogRetrying(logger, e.Message, RetryDelay);
                await Task.Delay(RetryDelay);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Reconciliation still runs on POST /api/reconcile; the next silo start arms the reminder.
                LogGaveUp(logger, e, Attempts);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Calendly reconciliation reminder could not be armed ({Error}); trying again in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Calendly reconciliation reminder could not be armed after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, int attempts);
}
