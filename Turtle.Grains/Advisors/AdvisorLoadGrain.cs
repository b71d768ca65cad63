using Microsoft.Extensions.Logging;
using Turtle.Grains.Hosting;

namespace Turtle.Grains.Advisors;

/// <summary>Who each upcoming booking is assigned to, for counting advisors' loads.</summary>
[GenerateSerializer, Alias("Turtle.AdvisorLoadState")]
public sealed class AdvisorLoadState
{
    /// <summary>
    /// Advisor (lower-cased email) → meetings per UTC hour they start in (hour as Unix hours). Counts, not
    /// bookings, so the state stays a few kilobytes however many bookings are ahead.
    /// </summary>
    [Id(0)] public Dictionary<string, Dictionary<long, int>> Upcoming { get; set; } = [];

    /// <summary>Last advisor chosen by load, so that ties go round-robin.</summary>
    [Id(1)] public string? LastPicked { get; set; }
}

/// <summary>
/// Counts upcoming meetings per advisor for the whole cluster. Every call is answered from memory; state is
/// written at most once per <see cref="FlushDelay"/> (and at deactivation), so a burst of bookings costs one write.
/// A crash loses at most that window of counts, which only skews balancing: the bookings keep their advisors.
/// Meetings are counted by the hour they start in: one that started earlier in the current hour still counts.
/// </summary>
public sealed partial class AdvisorLoadGrain(
    [PersistentState("load", TurtleStorage.Advisors)] IPersistentState<AdvisorLoadState> state,
    TurtleClock time,
    ILogger<AdvisorLoadGrain> logger) : Grain, IAdvisorLoadGrain
{
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(2);
    private const int RecentLimit = 10_000;

    /// <summary>Recent assignments, so a repeated booking event keeps its advisor; memory only, bounded.</summary>
    private readonly Dictionary<string, string> _recent = [];
    private readonly Queue<string> _recentOrder = new();
    private IGrainTimer? flush;

    public Task<string> AssignLeastLoadedAsync(string appointmentId, IReadOnlyList<string> candidateEmails, DateTimeOffset start)
    {
        var candidates = candidateEmails.Select(AdvisorAssignmentRules.NormalizeEmail).ToList();
        if (_recent.TryGetValue(appointmentId, out var existing) && candidates.Contains(existing))
        {
            // A repeated booking event keeps its advisor rather than being balanced again.
            return Task.FromResult(existing);
        }
        var counts = CountUpcoming();
        var chosen = AdvisorAssignmentRules.PickLeastLoaded(candidates, e => counts.GetValueOrDefault(e), state.State.LastPicked);
        state.State.LastPicked = chosen;
        Count(appointmentId, chosen, start);
        return Task.FromResult(chosen);
    }

    public Task RecordAsync(string appointmentId, string advisorEmail, DateTimeOffset start)
    {
        var email = AdvisorAssignmentRules.NormalizeEmail(advisorEmail);
        if (!_recent.TryGetValue(appointmentId, out var existing) || existing != email)
        {
            Count(appointmentId, email, start);
        }
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string appointmentId, string advisorEmail, DateTimeOffset start)
    {
        var email = AdvisorAssignmentRules.NormalizeEmail(advisorEmail);
        if (state.State.Upcoming.TryGetValue(email, out var hours) && hours.TryGetValue(Hour(start), out var count))
        {
            if (count <= 1)
            {
                hours.Remove(Hour(start));
            }
            else
            {
                hours[Hour(start)] = count - 1;
            }
            _recent.Remove(appointmentId);
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

    private void Count(string appointmentId, string advisorEmail, DateTimeOffset start)
    {
        if (_recent.TryGetValue(appointmentId, out var previous))
        {
            // Moved to another advisor: the old one's count drops (the start hour is the same booking's).
            Decrement(previous, start);
        }
        else
        {
            _recentOrder.Enqueue(appointmentId);
            if (_recentOrder.Count > RecentLimit)
            {
                _recent.Remove(_recentOrder.Dequeue());
            }
        }
        _recent[appointmentId] = advisorEmail;
        if (!state.State.Upcoming.TryGetValue(advisorEmail, out var hours))
        {
            state.State.Upcoming[advisorEmail] = hours = [];
        }
        hours[Hour(start)] = hours.GetValueOrDefault(Hour(start)) + 1;
        ScheduleFlush();
    }

    private void Decrement(string advisorEmail, DateTimeOffset start)
    {
        if (state.State.Upcoming.TryGetValue(advisorEmail, out var hours) && hours.TryGetValue(Hour(start), out var count))
        {
            hours[Hour(start)] = count - 1;
        }
    }

    private Dictionary<string, int> CountUpcoming()
    {
        var current = Hour(time.GetUtcNow());
        return state.State.Upcoming.ToDictionary(a => a.Key, a => a.Value.Where(h => h.Key >= current).Sum(h => h.Value));
    }

    private static long Hour(DateTimeOffset at) => at.ToUnixTimeSeconds() / 3600;

    private void ScheduleFlush() =>
        flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan));

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        flush?.Dispose();
        flush = null;
        // Hours that have passed no longer count; dropping them keeps the stored state small.
        var current = Hour(time.GetUtcNow());
        foreach (var hours in state.State.Upcoming.Values)
        {
            foreach (var past in hours.Where(h => h.Key < current || h.Value <= 0).Select(h => h.Key).ToList())
            {
                hours.Remove(past);
            }
        }
        try
        {
            await state.WriteStateAsync(cancellationToken);
            var upcoming = state.State.Upcoming.Sum(a => a.Value.Values.Sum());
            LogFlushed(upcoming);
        }
        catch (Exception e) when (!Stopping.Asked(e, cancellationToken))
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
