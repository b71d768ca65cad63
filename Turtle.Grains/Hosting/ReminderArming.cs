using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Hosting;

/// <summary>
/// Arms a cluster-wide reminder when a silo starts (reconciliation, retention). Storage may not answer yet (the silo
/// started first): it tries again for a while in the background rather than holding up or failing the silo's start.
/// </summary>
public static partial class ReminderArming
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(15);
    private const int Attempts = 20;

    /// <summary>Starts the attempts to call <paramref name="arm"/> (the grain's own scheduling) and returns at once.</summary>
    public static Task EnsureInBackground(IServiceProvider services, string what, Func<IGrainFactory, Task> arm)
    {
        ArgumentNullException.ThrowIfNull(services);
        var grains = services.GetRequiredService<IGrainFactory>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReminderArming));
        _ = EnsureAsync(grains, what, arm, logger);
        return Task.CompletedTask;
    }

    private static async Task EnsureAsync(IGrainFactory grains, string what, Func<IGrainFactory, Task> arm, ILogger logger)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await arm(grains);
                return;
            }
            catch (Exception e) when (attempt < Attempts)
            {
                LogRetrying(logger, what, e.Message, RetryDelay);
                await Task.Delay(RetryDelay);
            }
            catch (Exception e)
            {
                // A cancellation here is a grain call's own: nothing stops these attempts. The next silo start arms it;
                // reconciliation also runs on POST /api/reconcile.
                LogGaveUp(logger, e, what, Attempts);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {What} reminder could not be armed ({Error}); trying again in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string what, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {What} reminder could not be armed after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string what, int attempts);
}
