using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Turtle.Grains.Calendly;

/// <summary>
/// The cluster's one reconciliation runner (key 0, no state of its own). Reentrant so that a call arriving during a run
/// joins it instead of queueing a second one; the work is <see cref="CalendlyReconciler"/>'s. Its reminder carries
/// the interval in its name: a silo starting leaves a matching reminder alone (the schedule is not pushed back by
/// restarts) and replaces one of another interval.
/// </summary>
[Reentrant]
public sealed partial class ReconciliationGrain(
    CalendlyReconciler reconciler,
    IOptions<CalendlyApiOptions> calendly,
    IOptions<ReconcileOptions> options,
    ILogger<ReconciliationGrain> logger) : Grain, IReconciliationGrain, IRemindable
{
    private const string ReminderPrefix = "calendly-reconcile-";

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    /// <summary>How long a run keeps the activation from being collected: it outlives the calls that wait for it.</summary>
    private static readonly TimeSpan RunKeepAlive = TimeSpan.FromHours(1);

    /// <summary>The run going on, or the last one (its result is kept for callers still waiting).</summary>
    private Run? _current;

    private TimeSpan Interval => options.Value.ReconcileInterval;
    private string ReminderName => ReminderPrefix + ((long)Interval.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    public Task<Guid> StartAsync() => Task.FromResult(StartOrJoin());

    public async Task<ReconcileProgress> WaitAsync(Guid runId, TimeSpan wait)
    {
        if (_current is not { } run || run.Id != runId)
        {
            return new ReconcileProgress(ReconcileRunState.Unknown);
        }
        await Task.WhenAny(run.Work, Task.Delay(wait < MaxWait ? wait : MaxWait));
        return run.Work.IsCompleted
            ? new ReconcileProgress(ReconcileRunState.Finished, await run.Work)
            : new ReconcileProgress(ReconcileRunState.Running);
    }

    public async Task ScheduleAsync()
    {
        var reminders = await this.GetReminders();
        var wanted = calendly.Value.IsConfigured ? ReminderName : null;
        foreach (var stale in reminders.Where(r => r.ReminderName.StartsWith(ReminderPrefix, StringComparison.Ordinal) && r.ReminderName != wanted))
        {
            await this.UnregisterReminder(stale);
            LogUnscheduled(stale.ReminderName);
        }
        if (wanted is not null && reminders.All(r => r.ReminderName != wanted))
        {
            await this.RegisterOrUpdateReminder(wanted, Interval, Interval);
            LogScheduled(Interval);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName || !calendly.Value.IsConfigured)
        {
            // The interval changed or the token was removed since this reminder was armed.
            await ScheduleAsync();
            return;
        }
        // The tick does not wait for the run, which may outlast its call; a tick during a run joins it.
        StartOrJoin();
    }

    private Guid StartOrJoin()
    {
        if (_current is { Work.IsCompleted: false } running)
        {
            LogJoined();
            return running.Id;
        }
        _current = new Run(Guid.NewGuid(), RunOnceAsync());
        return _current.Id;
    }

    private async Task<ReconcileResult> RunOnceAsync()
    {
        DelayDeactivation(RunKeepAlive);
        try
        {
            await EnsureScheduledAsync();
            return await reconciler.RunAsync();
        }
        catch (Exception e)
        {
            LogRunFailed(e);
            throw;
        }
        finally
        {
            // Back to the usual collection: the result is kept until then for callers still waiting.
            DelayDeactivation(TimeSpan.FromTicks(-1));
        }
    }

    /// <summary>A run on demand also repairs a reminder a silo could not arm at its start.</summary>
    private async Task EnsureScheduledAsync()
    {
        try
        {
            await ScheduleAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogScheduleFailed(e.Message);
        }
    }

    private sealed record Run(Guid Id, Task<ReconcileResult> Work);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Calendly reconciliation reminder could not be checked ({Error}); reconciling anyway")]
    private partial void LogScheduleFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calendly reconciliation runs every {Interval}")]
    private partial void LogScheduled(TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calendly reconciliation reminder {Reminder} removed")]
    private partial void LogUnscheduled(string reminder);

    [LoggerMessage(Level = LogLevel.Information, Message = "A reconciliation is running; this request joins it")]
    private partial void LogJoined();

    [LoggerMessage(Level = LogLevel.Error, Message = "Calendly reconciliation failed")]
    private partial void LogRunFailed(Exception exception);
}
