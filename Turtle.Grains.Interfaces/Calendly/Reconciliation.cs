namespace Turtle.Grains.Calendly;

/// <summary>
/// Running a reconciliation to its end from outside the runner (the API's <c>POST /api/reconcile</c>, tests). The run
/// is started (or joined) and then waited for in short calls rather than one long one: a call to a silo that dies is
/// only answered by its timeout, so a long call would hold its caller that long. A run lost with its silo is started
/// again, which is safe: what it booked stays booked and is not sent again.
/// </summary>
public static class Reconciliation
{
    /// <summary>How long one wait call lasts; well inside Orleans' 30 s response timeout.</summary>
    public static readonly TimeSpan PollWait = TimeSpan.FromSeconds(5);

    /// <summary>Runs lost with their silo before this caller gives up.</summary>
    public const int MaxRestarts = 3;

    /// <summary>Wait calls in a row without an answer before this caller gives up (each takes the response timeout).</summary>
    public const int MaxUnanswered = 4;

    public static async Task<ReconcileResult> ReconcileAsync(this IGrainFactory grains, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var runner = grains.GetGrain<IReconciliationGrain>(0);
        var run = await runner.StartAsync();
        var restarts = 0;
        var unanswered = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReconcileProgress progress;
            try
            {
                progress = await runner.WaitAsync(run, PollWait);
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException && ++unanswered < MaxUnanswered)
            {
                // The runner's silo may be gone: once the cluster knows, the next call reaches a new activation.
                continue;
            }
            unanswered = 0;
            switch (progress.State)
            {
                case ReconcileRunState.Finished:
                    return progress.Result!;
                case ReconcileRunState.Unknown when ++restarts > MaxRestarts:
                    throw new TimeoutException($"Reconciliation was lost {MaxRestarts} times with the silo running it; try again later.");
                case ReconcileRunState.Unknown:
                    run = await runner.StartAsync();
                    break;
            }
        }
    }
}
