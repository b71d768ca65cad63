namespace Turtle.Grains.Calendly;

/// <summary>
/// Calendly reconciliation (SPEC §8), one runner for the whole cluster (key 0): books what Calendly has and Turtle
/// missed, cancels what Calendly cancelled, on its own reminder every <c>Calendly:ReconcileInterval</c> and on demand.
/// </summary>
public interface IReconciliationGrain : IGrainWithIntegerKey
{
    /// <summary>Starts a reconciliation, or names the one running; wait for it with <see cref="WaitAsync"/>.</summary>
    Task<Guid> StartAsync();

    /// <summary>
    /// Waits up to <paramref name="wait"/> (10 s at most) for run <paramref name="runId"/>: its result once it has ended, or
    /// that it is still running, or that this activation never ran it (the silo that did is gone): start another.
    /// </summary>
    Task<ReconcileProgress> WaitAsync(Guid runId, TimeSpan wait);

    /// <summary>Arms the periodic reminder when <c>Calendly:ApiToken</c> is set, removes it when not; repeating it changes nothing.</summary>
    Task ScheduleAsync();
}

[GenerateSerializer, Alias("Turtle.ReconcileRunState")]
public enum ReconcileRunState
{
    Running = 0,
    Finished = 1,
    /// <summary>No such run here: it was lost with the silo that ran it, or is long over.</summary>
    Unknown = 2,
}

/// <summary>Where a run is; <see cref="Result"/> once it has finished.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.ReconcileProgress")]
public sealed record ReconcileProgress([property: Id(0)] ReconcileRunState State, [property: Id(1)] ReconcileResult? Result = null);

[GenerateSerializer, Alias("Turtle.ReconcileRunOutcome")]
public enum ReconcileRunOutcome
{
    /// <summary>Every listed invitee was reconciled.</summary>
    Completed = 0,
    /// <summary>Calendly could not be read to the end, or some invitees could not be reconciled (see the errors).</summary>
    Failed = 1,
    /// <summary><c>Calendly:ApiToken</c> is not set on the silos: nothing was read.</summary>
    NotConfigured = 2,
}

/// <summary>What one reconciliation found and did; <see cref="Errors"/> says what it could not do.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.ReconcileResult")]
public sealed record ReconcileResult
{
    /// <summary>Scheduled events listed (active and canceled) in the window.</summary>
    [Id(0)] public int Events { get; init; }
    /// <summary>Their invitees.</summary>
    [Id(1)] public int Invitees { get; init; }
    /// <summary>Active invitees Turtle did not have, now booked.</summary>
    [Id(2)] public int Created { get; init; }
    /// <summary>Canceled invitees Turtle held as booked, now cancelled.</summary>
    [Id(3)] public int Cancelled { get; init; }
    /// <summary>Invitees Turtle already had as Calendly has them.</summary>
    [Id(4)] public int Unchanged { get; init; }
    [Id(5)] public IReadOnlyList<string> Errors { get; init; } = [];
    [Id(6)] public ReconcileRunOutcome Outcome { get; init; }
    [Id(7)] public DateTimeOffset StartedAt { get; init; }
    [Id(8)] public DateTimeOffset FinishedAt { get; init; }
    /// <summary>The window looked at: meetings starting from <see cref="StartedAt"/> until this.</summary>
    [Id(9)] public DateTimeOffset WindowEnd { get; init; }
    /// <summary>Calendly's events could not be listed to the end: those after the failure were not looked at.</summary>
    [Id(10)] public bool Partial { get; init; }
}
