namespace Turtle.Grains.Records;

/// <summary>
/// Deletes one day's expired entries of the record: the day's list of clients, then each client's range of that day,
/// in entity group transactions of at most 100 rows; the lists go last, so a sweep stopped midway finds the day again.
/// </summary>
public sealed class RecordRetention(RecordTable table)
{
    /// <summary>Clients swept at once.</summary>
    public const int Concurrency = 8;

    /// <summary>Deletes the entries appended on <paramref name="day"/>; repeating it deletes nothing more.</summary>
    public async Task<(int Clients, int Transactions)> SweepDayAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var clients = await table.DayClientsAsync(day, cancellationToken);
        var (swept, transactions) = (0, 0);
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (client, cancellation) =>
        {
            var made = await table.SweepDayAsync(client, day, cancellation);
            if (made > 0)
            {
                Interlocked.Increment(ref swept);
                Interlocked.Add(ref transactions, made);
            }
        });
        transactions += await table.DeleteDayListsAsync(day, cancellationToken);
        return (swept, transactions);
    }

    /// <summary>The last day whose entries have all expired by <paramref name="asOf"/>: its whole day lies before the period.</summary>
    public static DateOnly LastExpiredDay(DateTimeOffset asOf, TimeSpan retention) =>
        DateOnly.FromDateTime((asOf - retention).UtcDateTime).AddDays(-1);
}
