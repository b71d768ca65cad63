using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Advisors;

/// <summary>Who each upcoming booking is assigned to, for counting advisors' loads.</summary>
[GenerateSerializer, Alias("Turtle.AdvisorLoadState")]
public sealed class AdvisorLoadState
{
    /// <summary>Appointment id → its advisor (lower-cased email) and meeting start.</summary>
    [Id(0)] public Dictionary<string, AdvisorClaim> Claims { get; set; } = [];

    /// <summary>Last advisor chosen by load, so that ties go round-robin.</summary>
    [Id(1)] public string? LastPicked { get; set; }
}

[GenerateSerializer, Immutable, Alias("Turtle.AdvisorClaim")]
public sealed record AdvisorClaim([property: Id(0)] string AdvisorEmail, [property: Id(1)] DateTimeOffset Start);

/// <summary>
/// Counts upcoming meetings per advisor for the whole cluster. Every call is answered from memory; state is
/// written at most once per <see cref="FlushDelay"/> (and at deactivation), so a burst of bookings costs one write.
/// A crash loses at most that window of claims, which only skews balancing: the bookings keep their advisors.
/// </summary>
public sealed partial class AdvisorLoadGrain(
    [PersistentState("load", TurtleStorage.Advisors)] IPersistentState<AdvisorLoadState> state,
    TimeProvider time,
    ILogger<AdvisorLoadGrain> logger) : Grain, IAdvisorLoadGrain
{
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(2);

    private IGrainTimer? flush;

    public Task<string> ClaimLeastLoadedAsync(string appointmentId, IReadOnlyList<string> candidateEmails, DateTimeOffset start)
    {
        var candidates = candidateEmails.Select(AdvisorAssignmentRules.NormalizeEmail).ToList();
        if (state.State.Claims.TryGetValue(appointmentId, out var existing) && candidates.Contains(existing.AdvisorEmail))
        {
            // A repeated booking event keeps its advisor rather than being balanced again.
            return Task.FromResult(existing.AdvisorEmail);
        }
        var counts = CountUpcoming();
        var chosen = AdvisorAssignmentRules.PickLeastLoaded(candidates, e => counts.GetValueOrDefault(e), state.State.LastPicked);
        state.State.LastPicked = chosen;
        Claim(appointmentId, chosen, start);
        return Task.FromResult(chosen);
    }

    public Task RecordAsync(string appointmentId, string advisorEmail, DateTimeOffset start)
    {
        Claim(appointmentId, AdvisorAssignmentRules.NormalizeEmail(advisorEmail), start);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string appointmentId, string advisorEmail)
    {
        if (state.State.Claims.TryGetValue(appointmentId, out var claim)
            && AdvisorAssignmentRules.SameEmail(claim.AdvisorEmail, advisorEmail))
        {
            state.State.Claims.Remove(appointmentId);
            ScheduleFlush();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, int>> GetUpcomingCountsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(CountUpcoming());

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (flush is not null)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private void Claim(string appointmentId, string advisorEmail, DateTimeOffset start)
    {
        var claim = new AdvisorClaim(advisorEmail, start);
        if (state.State.Claims.TryGetValue(appointmentId, out var existing) && existing == claim)
        {
            return;
        }
        state.State.Claims[appointmentId] = claim;
        ScheduleFlush();
    }

    private Dictionary<string, int> CountUpcoming()
    {
        var now = time.GetUtcNow();
        var counts = new Dictionary<string, int>();
        foreach (var claim in state.State.Claims.Values)
        {
            if (claim.Start > now)
            {
                counts[claim.AdvisorEmail] = counts.GetValueOrDefault(claim.AdvisorEmail) + 1;
            }
        }
        return counts;
    }

    private void ScheduleFlush() =>
        flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan));

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        flush?.Dispose();
        flush = null;
        // Meetings that have started no longer count; dropping them keeps the stored state small.
        var now = time.GetUtcNow();
        foreach (var started in state.State.Claims.Where(c => c.Value.Start <= now).Select(c => c.Key).ToList())
        {
            state.State.Claims.Remove(started);
        }
        try
        {
            await state.WriteStateAsync(cancellationToken);
            LogFlushed(state.State.Claims.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Counts are still right in memory; try the write again rather than lose the batch.
            LogFlushFailed(e);
            ScheduleFlush();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Advisor loads written: {Upcoming} upcoming bookings")]
    private partial void LogFlushed(int upcoming);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advisor loads could not be written; retrying")]
    private partial void LogFlushFailed(Exception exception);
}
