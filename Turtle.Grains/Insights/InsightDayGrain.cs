using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Insights;

[GenerateSerializer, Alias("Turtle.InsightDayState")]
public sealed class InsightDayState
{
    /// <summary>Each booking's latest tally, by booking id.</summary>
    [Id(0)] public Dictionary<string, BookingTally> Tallies { get; set; } = [];
}

/// <summary>
/// The counts of one of the firm's days. Tallies are answered from memory and written at most once per
/// <see cref="FlushDelay"/>, so a burst of bookings costs one write per day, not one per booking; a tally is stored when
/// the day says so, and a booking told "not yet" tells it again until it is (see <see cref="BookingInsight"/>).
/// </summary>
public sealed partial class InsightDayGrain(
    [PersistentState("insight", TurtleStorage.Insights)] IPersistentState<InsightDayState> state,
    TurtleClock time,
    ILogger<InsightDayGrain> logger) : Grain, IInsightDayGrain
{
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(5);

    private WriteBehind? _writes;
    /// <summary>The counts as last asked for, and when: valid until a tally changes or a meeting ends.</summary>
    private (IReadOnlyList<AdvisorCounts> Counts, DateTimeOffset At)? _counted;

    public Task<bool> TallyAsync(string appointmentId, BookingTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var tallies = state.State.Tallies;
        if (!tallies.TryGetValue(appointmentId, out var known) || known.Signature() != tally.Signature())
        {
            tallies[appointmentId] = tally;
            _counted = null;
            Writes.Changed(appointmentId);
        }
        return Task.FromResult(Writes.IsStored(appointmentId));
    }

    public Task<IReadOnlyList<AdvisorCounts>> CountAsync()
    {
        var now = time.GetUtcNow();
        var tallies = state.State.Tallies.Values;
        if (_counted is { } counted && !tallies.Any(t => t.End > counted.At && t.End <= now))
        {
            return Task.FromResult(counted.Counts);
        }
        IReadOnlyList<AdvisorCounts> counts = [.. tallies
            .GroupBy(t => t.Advisor)
            .Select(g =>
            {
                var sum = new InsightCounts();
                foreach (var tally in g)
                {
                    sum.Add(tally, now);
                }
                return new AdvisorCounts(g.Key, g.Select(t => t.AdvisorName).LastOrDefault(n => n is not null), sum);
            })
            .OrderBy(a => a.Email, StringComparer.Ordinal)];
        _counted = (counts, now);
        return Task.FromResult(counts);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (Writes.Due)
        {
            await Writes.FlushAsync(cancellationToken);
        }
    }

    private WriteBehind Writes => _writes ??= new WriteBehind(this, state.WriteStateAsync, FlushDelay, e => LogFlushFailed(logger, this.GetPrimaryKeyString(), e));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insight of day {Day} could not be written; retrying")]
    private static partial void LogFlushFailed(ILogger logger, string day, Exception exception);
}
