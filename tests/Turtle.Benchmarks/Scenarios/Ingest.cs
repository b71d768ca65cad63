using Turtle.Testing;
using Turtle.Testing.Processes;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// Signed invitee.created webhooks at 1, 8, 32 and 128 in flight: acks per second, ack latency, and the
/// time from webhook to the confirmation request at the fake Graph API. First, a small probe run through a
/// counting proxy measures how many table writes one booking costs; the storage ceiling is measured between the
/// repetitions, so each ratio compares figures taken minutes, not scenarios, apart.
/// </summary>
public static class Ingest
{
    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("ingest", settings.Smoke, settings.Environment);
        var duration = settings.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(20);
        var repetitions = settings.Smoke ? 1 : 3;

        var writes = await MeasureWritesPerBookingAsync(settings.Smoke ? 10 : 200, result);

        var farAhead = () => DateTimeOffset.UtcNow.AddDays(3);
        var ceilingDuration = settings.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(8);
        var errors = 0;
        var levels = new List<object>();
        foreach (var inFlight in settings.IngestLevels)
        {
            // Each level on a fresh silo and API: otherwise a level would pay for the tens of thousands of bookings
            // the levels before it left active in the silo.
            await using var turtle = new TurtleDeployment();
            await turtle.StartAsync();
            using var load = new BookingLoad(turtle.ApiBase);

            // Warm-up: JIT, connections, the advisor directory and the first activations.
            var warm = await load.RunForAsync(32, settings.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(15), farAhead);
            await Deliveries.WaitForAsync(turtle.WhatsApp, [.. warm.Select(b => b.Id + ":Confirmation")], DateTimeOffset.UtcNow.AddSeconds(60));

            // Ceiling, ingest, ceiling, ingest … ceiling, on the same Azurite process: each repetition's ratio is taken
            // from the ceilings measured just before and just after it, so a machine that changes pace between minutes
            // moves both sides of the ratio together.
            var reps = new List<IngestRepetition>();
            var ceilings = new List<double> { await MeasureCeilingAsync(ceilingDuration, inFlight, 0) };
            for (var rep = 0; rep < repetitions; rep++)
            {
                await SiloMetrics.DeleteBookingRowsAsync(turtle.ClusterId);
                var cpu = CpuUsage.Start(new Dictionary<string, int> { ["silo"] = turtle.Silos[0].Id, ["api"] = turtle.Api!.Id });
                var posted = await load.RunForAsync(inFlight, duration, farAhead);
                var cpuPercent = cpu.Percent();
                var acked = posted.Where(b => b.Status == 200).ToList();
                var deliveries = await Deliveries.WaitForAsync(turtle.WhatsApp, [.. acked.Select(b => b.Id + ":Confirmation")], DateTimeOffset.UtcNow.AddSeconds(120));
                var ack = acked.Select(b => b.AckMs).ToList();
                var confirmation = acked.Select(b => deliveries.FirstAt(b.Id + ":Confirmation") is { } at ? (at - b.PostedAt).TotalMilliseconds : double.NaN)
                    .Where(x => !double.IsNaN(x)).ToList();
                var failed = posted.Count - acked.Count;
                var missing = deliveries.Missing(acked.Select(b => b.Id + ":Confirmation"));
                ceilings.Add(await MeasureCeilingAsync(ceilingDuration, inFlight, rep + 1));
                var rate = acked.Count / duration.TotalSeconds;
                var bound = (ceilings[^2] + ceilings[^1]) / 2 / writes;
                reps.Add(new IngestRepetition(rate, Stats.Percentile(ack, 50), Stats.Percentile(ack, 99), Stats.Percentile(confirmation, 50),
                    Stats.Percentile(confirmation, 99), failed, missing, cpuPercent, bound, rate / bound));
                errors += failed + missing;
                foreach (var error in posted.Where(b => b.Error is not null).Select(b => b.Error).Distinct().Take(3))
                {
                    result.Notes.Add($"{inFlight} in flight: {error}");
                }
                var r = reps[^1];
                Console.WriteLine($"  ingest {inFlight} in flight rep {rep + 1}: {r.Rate:0.0}/s = {r.Ratio:0.000} of the ceiling beside it ({r.Bound:0}/s), ack p50 {r.AckP50:0} ms p99 {r.AckP99:0} ms, confirmation p50 {r.ConfP50:0} ms p99 {r.ConfP99:0} ms, errors {r.Errors}, missing {r.Missing}; CPU % of a core: {string.Join(", ", r.Cpu.Select(c => $"{c.Key} {c.Value:0}"))}");
            }
            result.Add($"webhooks acked per second, {inFlight} in flight", Stats.Median(reps.Select(r => r.Rate)), "/s");
            result.Add($"ack latency p50, {inFlight} in flight", Stats.Median(reps.Select(r => r.AckP50)), "ms");
            result.Add($"ack latency p99, {inFlight} in flight", Stats.Median(reps.Select(r => r.AckP99)), "ms");
            if (inFlight == 32)
            {
                result.Add($"ack latency p99, {inFlight} in flight, worst repetition", reps.Max(r => r.AckP99), "ms", 60, higherIsBetter: false);
                // What a booking's ingest costs in CPU (silo and API), for the summary's scale on paper.
                result.Details["turtleCoreSecondsPerBooking"] = Stats.Median(reps.Select(r =>
                    (r.Cpu.GetValueOrDefault("silo") + r.Cpu.GetValueOrDefault("api")) / 100 * duration.TotalSeconds / Math.Max(1, r.Rate * duration.TotalSeconds)));
            }
            result.Add($"webhook → confirmation p50, {inFlight} in flight", Stats.Median(reps.Select(r => r.ConfP50)), "ms");
            result.Add($"webhook → confirmation p99, {inFlight} in flight", Stats.Median(reps.Select(r => r.ConfP99)), "ms");
            result.Add($"storage-bound ceiling beside the repetitions, {inFlight} in flight", Stats.Median(reps.Select(r => r.Bound)), "bookings/s");
            if (inFlight == 128)
            {
                result.Add($"webhooks/s ÷ ceiling beside it, {inFlight} in flight", Stats.Median(reps.Select(r => r.Ratio)), "", 0.85, higherIsBetter: true);
            }
            else
            {
                result.Add($"webhooks/s ÷ ceiling beside it, {inFlight} in flight", Stats.Median(reps.Select(r => r.Ratio)), "");
            }
            // The next level's silo has a service id of its own: this one's rows would only slow Azurite down.
            await SiloMetrics.DeleteBookingRowsAsync(turtle.ClusterId);
            levels.Add(new
            {
                inFlight,
                ceilingsUpsertsPerSecond = ceilings,
                repetitions = reps.Select(r => new { rate = r.Rate, ackP50 = r.AckP50, ackP99 = r.AckP99, confirmationP50 = r.ConfP50, confirmationP99 = r.ConfP99, errors = r.Errors, missing = r.Missing, cpuPercentOfOneCore = r.Cpu, ceilingBookingsPerSecond = r.Bound, ratio = r.Ratio }).ToList(),
            });
        }
        result.MustBeZero("errors (non-200 acks, confirmations never sent)", errors);
        result.Add("table writes per booking (measured)", writes, "writes");
        result.Details["levels"] = levels;
        result.Notes.Add("Each level runs on a fresh silo and API after a 15 s warm-up at 32 in flight, so no level pays for the bookings the levels before it left active in the silo.");
        result.Notes.Add($"The storage ceiling (table upserts/s of a booking-sized row, {StorageLimit.InFlight} in flight from this process, {ceilingDuration.TotalSeconds:0} s) is measured on the same Azurite before the first repetition and after each; a repetition's ratio is its webhooks/s over the mean of the two ceilings beside it divided by the table writes per booking. Figures are medians of {repetitions} repetitions; the ack p99 target at 32 in flight holds for the worst repetition.");
        result.Notes.Add("Every repetition starts from empty appointment and reminder tables (earlier rows deleted): Azurite's CPU per request grows with the rows it holds, so without this each repetition would be slower than the last.");
        result.Details["secondsPerRepetition"] = duration.TotalSeconds;
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    private sealed record IngestRepetition(double Rate, double AckP50, double AckP99, double ConfP50, double ConfP99, int Errors, int Missing,
        Dictionary<string, double> Cpu, double Bound, double Ratio);

    private static async Task<double> MeasureCeilingAsync(TimeSpan duration, int inFlight, int index)
    {
        var ceiling = await StorageLimit.MeasureOnceAsync(duration);
        Console.WriteLine($"  ingest {inFlight} in flight ceiling {index + 1}: {ceiling.Rate:0} upserts/s");
        return ceiling.Rate;
    }

    /// <summary>Books <paramref name="count"/> meetings through a counting proxy and counts table writes until each confirmation is sent.</summary>
    private static async Task<double> MeasureWritesPerBookingAsync(int count, ScenarioResult result)
    {
        await using var proxy = new TableProxy(TestStorage.ConnectionString);
        await proxy.StartAsync();
        await using var turtle = new TurtleDeployment(new Dictionary<string, string?> { ["ConnectionStrings__AzureStorage"] = proxy.ConnectionString });
        await turtle.StartAsync();
        using var load = new BookingLoad(turtle.ApiBase);
        // One booking first, so the advisor directory and table creation are not counted.
        var first = await load.PostAsync(DateTimeOffset.UtcNow.AddDays(3));
        await Deliveries.WaitForAsync(turtle.WhatsApp, [first.Id + ":Confirmation"], DateTimeOffset.UtcNow.AddSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var before = proxy.Snapshot();
        var posted = await load.RunCountAsync(count, 8, _ => DateTimeOffset.UtcNow.AddDays(3));
        var sent = await Deliveries.WaitForAsync(turtle.WhatsApp, [.. posted.Select(b => b.Id + ":Confirmation")], DateTimeOffset.UtcNow.AddSeconds(60));
        if (sent.Missing(posted.Select(b => b.Id + ":Confirmation")) is > 0 and var missing)
        {
            throw new InvalidOperationException($"{missing} of {count} confirmations not sent through the counting proxy: the write count would be wrong");
        }
        // Writes that follow the confirmation (the index and advisor-load batches) land within a few seconds.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = proxy.Snapshot();

        var perTable = after.Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(x => x.Count > 0).OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Count / (double)count);
        result.Details["storageRequestsPerBooking"] = perTable;
        var writes = perTable.Where(kv => !kv.Key.StartsWith("GET ", StringComparison.Ordinal) && !kv.Key.Contains("OrleansSiloInstances", StringComparison.Ordinal))
            .Sum(kv => kv.Value);
        Console.WriteLine($"  storage requests per booking: {string.Join(", ", perTable.Select(kv => $"{kv.Key} {kv.Value:0.00}"))}");
        if (await SiloMetrics.AppointmentEntityBytesAsync(turtle.ClusterId) is { } bytes)
        {
            result.Details["appointmentEntityBytes"] = bytes;
            Console.WriteLine($"  appointment row: {bytes} bytes");
        }
        result.Notes.Add($"Writes per booking measured over {count} bookings through a counting proxy in front of Azurite, from webhook until the confirmation is sent and recorded (membership heartbeats excluded).");
        return writes;
    }
}
