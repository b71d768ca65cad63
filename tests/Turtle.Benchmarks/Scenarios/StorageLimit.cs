using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Data.Tables;
using Turtle.Testing;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// The ceiling: Azurite's own rate of table upserts of a booking-sized entity from one process, 16 in flight.
/// Rows are replaced over a pool of keys, so the run mixes inserts and updates as Turtle's writes do.
/// </summary>
public static class StorageLimit
{
    public const int InFlight = 16;

    /// <summary>The size of a stored appointment row with its Orleans-serialized state, measured by the ingest probe.</summary>
    public const int EntityBytes = 1_300;

    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("storage-limit", settings.Smoke, settings.Environment);
        var table = TestStorage.CreateTableClient().GetTableClient("BenchStorageLimit" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync();
        try
        {
            var duration = settings.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
            await RunOnceAsync(table, duration); // warm-up
            var reps = new List<(double Rate, double P50, double P99)>();
            for (var i = 0; i < 3; i++)
            {
                reps.Add(await RunOnceAsync(table, duration));
                Console.WriteLine($"  storage-limit rep {i + 1}: {reps[^1].Rate:0} upserts/s, p50 {reps[^1].P50:0.0} ms, p99 {reps[^1].P99:0.0} ms");
            }
            result.Add("upserts per second (16 in flight, median of 3)", Stats.Median(reps.Select(r => r.Rate)), "/s");
            result.Add("upsert latency p50", Stats.Median(reps.Select(r => r.P50)), "ms");
            result.Add("upsert latency p99", Stats.Median(reps.Select(r => r.P99)), "ms");
            result.Details["repetitions"] = reps.Select(r => new { rate = r.Rate, p50 = r.P50, p99 = r.P99 }).ToList();
            result.Details["entityBytes"] = EntityBytes;
            result.Details["secondsPerRepetition"] = duration.TotalSeconds;
            result.Notes.Add($"Entity: {EntityBytes} bytes of binary state plus keys and a timestamp, like an appointment row; replaced over a pool of 20,000 keys.");
        }
        finally
        {
            await table.DeleteAsync();
        }
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    /// <summary>
    /// One measurement of the ceiling on a table of its own (a short warm-up, then <paramref name="duration"/>), for a
    /// scenario that interleaves it with its own load so that each of its figures has a ceiling measured beside it.
    /// </summary>
    public static async Task<(double Rate, double P50, double P99)> MeasureOnceAsync(TimeSpan duration)
    {
        var table = TestStorage.CreateTableClient().GetTableClient("BenchCeiling" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync();
        try
        {
            await RunOnceAsync(table, TimeSpan.FromSeconds(1));
            return await RunOnceAsync(table, duration);
        }
        finally
        {
            await table.DeleteAsync();
        }
    }

    private static async Task<(double Rate, double P50, double P99)> RunOnceAsync(TableClient table, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var payload = new byte[EntityBytes];
        Random.Shared.NextBytes(payload);
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, InFlight).Select(async w =>
        {
            var n = 0;
            while (total.Elapsed < duration)
            {
                var key = $"{w}-{n++ % 1250}";
                var entity = new TableEntity("bench_appointment", key)
                {
                    ["Data"] = payload,
                    ["StringData"] = null,
                    ["ETagVersion"] = n,
                };
                var watch = Stopwatch.StartNew();
                await table.UpsertEntityAsync(entity, TableUpdateMode.Replace);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
        });
        await Task.WhenAll(workers);
        var sample = latencies.ToList();
        return (sample.Count / total.Elapsed.TotalSeconds, Stats.Percentile(sample, 50), Stats.Percentile(sample, 99));
    }
}
