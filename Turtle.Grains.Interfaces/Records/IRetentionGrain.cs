namespace Turtle.Grains.Records;

/// <summary>
/// The daily retention sweep (SPEC §13), one for the cluster (key <see cref="Cluster"/>): deletes the record's entries
/// past <c>Records:RetentionPeriod</c> and removes personal data from bookings past <c>Records:BookingRetention</c> after
/// their meeting's end, day by day, each kind's last day fully swept kept in its state.
/// </summary>
public interface IRetentionGrain : IGrainWithStringKey
{
    public const string Cluster = "cluster";

    /// <summary>Arms the daily reminder (a silo does so as it starts); arming it again leaves its schedule alone.</summary>
    Task ScheduleAsync();

    /// <summary>
    /// Sweeps what expired by <paramref name="asOf"/>, from the day after the last one swept; joins a sweep under way.
    /// <paramref name="recordsFrom"/>, <paramref name="bookingsFrom"/>: where to begin when this grain never swept (else
    /// the first day the record holds, and for bookings a year before the first day due).
    /// </summary>
    Task<RetentionSweep> SweepAsync(DateTimeOffset asOf, DateOnly? recordsFrom = null, DateOnly? bookingsFrom = null);
}

/// <summary>What one sweep did.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.RetentionSweep")]
public sealed record RetentionSweep
{
    /// <summary>The last day whose entries were all deleted (the day they were appended), or null.</summary>
    [Id(0)] public DateOnly? RecordsSweptThrough { get; init; }
    /// <summary>The last meeting day whose bookings all hold no personal data, or null.</summary>
    [Id(1)] public DateOnly? BookingsSweptThrough { get; init; }
    [Id(2)] public int RecordDays { get; init; }
    /// <summary>Client-days whose entries were deleted.</summary>
    [Id(3)] public int RecordClients { get; init; }
    /// <summary>Entity group transactions made deleting (each at most 100 rows).</summary>
    [Id(4)] public int RecordTransactions { get; init; }
    [Id(5)] public int BookingDays { get; init; }
    [Id(6)] public int Bookings { get; init; }
}
