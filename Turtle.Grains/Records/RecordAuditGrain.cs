using Orleans.Concurrency;

namespace Turtle.Grains.Records;

/// <summary>
/// Reads the audit from the record: for each day of the window, the partitions listed as given a staff action that day
/// (<see cref="RecordTable.StaffClientsAsync"/>), then that day's row range of each; no other client's entries are read.
/// </summary>
[StatelessWorker]
public sealed class RecordAuditGrain(RecordTable table) : Grain, IRecordAuditGrain
{
    /// <summary>Partitions read at once.</summary>
    private const int Concurrency = 8;

    public async Task<IReadOnlyList<StaffRecordEntry>> ListAsync(DateTimeOffset since, DateTimeOffset until)
    {
        // An entry's row is of the day it was appended, which is its own time's day or, after a clock step back, a later one.
        var days = new List<DateOnly>();
        for (var day = DateOnly.FromDateTime(since.UtcDateTime).AddDays(-1); day <= DateOnly.FromDateTime(until.UtcDateTime).AddDays(1); day = day.AddDays(1))
        {
            days.Add(day);
        }
        var listed = await Task.WhenAll(days.Select(async day => (await table.StaffClientsAsync(day)).Select(client => (client, day))));
        var found = new List<StaffRecordEntry>();
        await Parallel.ForEachAsync(listed.SelectMany(l => l), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (place, cancellation) =>
        {
            var rows = await table.ReadDayAsync(place.client, place.day, cancellation);
            var staff = rows.Select(r => r.Entry).Where(e => e.Direction == RecordDirections.Staff && e.At >= since && e.At < until)
                .Select(e => new StaffRecordEntry(place.client == RecordTable.FirmKey ? null : place.client, e)).ToList();
            lock (found)
            {
                found.AddRange(staff);
            }
        });
        return [.. found.OrderBy(e => e.Entry.At).ThenBy(e => e.Entry.Id, StringComparer.Ordinal)];
    }
}
