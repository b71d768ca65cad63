using Turtle.Testing.Processes;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// Many bookings whose AdvisorBio falls due within the same 60 s, on one silo with the production reminder
/// period: how late each bio reaches the Graph API, and whether any is missing or sent twice.
/// </summary>
public static class DueBurst
{
    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("due-burst", settings.Smoke, settings.Environment);
        var count = settings.Smoke ? 30 : 10_000;
        var window = settings.Smoke ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(60);
        var bioLead = TimeSpan.FromDays(1);

        await using var turtle = new TurtleDeployment();
        await turtle.StartAsync();
        using var load = new BookingLoad(turtle.ApiBase);

        // Warm-up, which also tells (optimistically: Azurite slows as the table fills) how long ingesting the burst will take.
        var warmCount = settings.Smoke ? 10 : 300;
        var warmWatch = System.Diagnostics.Stopwatch.StartNew();
        await load.RunCountAsync(warmCount, 32, _ => DateTimeOffset.UtcNow.AddDays(5));
        var rate = warmCount / warmWatch.Elapsed.TotalSeconds;
        var ingestEstimate = TimeSpan.FromSeconds(count / rate);
        var lead = settings.Smoke ? TimeSpan.FromSeconds(8) : ingestEstimate * 3 + TimeSpan.FromSeconds(30);
        var windowStart = DateTimeOffset.UtcNow + lead;
        Console.WriteLine($"  due-burst: ~{rate:0}/s ingest; {count} bios due from {windowStart:HH:mm:ss} over {window.TotalSeconds:0} s");

        DateTimeOffset Due(int i) => windowStart + window * (i / (double)count);
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var ingestWatch = System.Diagnostics.Stopwatch.StartNew();
        var posted = await load.RunCountAsync(count, 32, i => Due(i) + bioLead, i => ids[i]);
        var ingestDone = DateTimeOffset.UtcNow;
        var ingestTime = ingestWatch.Elapsed;
        var failed = posted.Count(b => b.Status != 200);
        Console.WriteLine($"  due-burst: ingested in {ingestTime.TotalSeconds:0.0} s, {failed} failed");

        var expected = ids.Select((id, i) => (CallbackData: id + ":AdvisorBio", Due: Due(i))).ToList();
        var deadline = windowStart + window + (settings.Smoke ? TimeSpan.FromSeconds(30) : TimeSpan.FromMinutes(3));
        var idle = windowStart - DateTimeOffset.UtcNow;
        if (idle > TimeSpan.Zero)
        {
            await Task.Delay(idle);
        }
        var cpu = CpuUsage.Start(new Dictionary<string, int> { ["silo"] = turtle.Silos[0].Id, ["api"] = turtle.Api!.Id });
        await Task.Delay(window);
        var windowCpu = cpu.Percent();
        result.Details["windowCpuPercentOfOneCore"] = windowCpu;
        result.Notes.Add($"CPU during the window, % of one core: {string.Join(", ", windowCpu.Select(c => $"{c.Key} {c.Value:0}"))}.");
        var deliveries = await Deliveries.WaitForAsync(turtle.WhatsApp, [.. expected.Select(e => e.CallbackData)], deadline);
        // Duplicates can only follow the first copy: give them a moment.
        await Task.Delay(TimeSpan.FromSeconds(settings.Smoke ? 2 : 10));
        deliveries = new Deliveries(turtle.WhatsApp.Requests);

        var lateness = deliveries.Lateness(expected);
        result.Add("bookings", count, "");
        result.Add("ingest time", ingestTime.TotalSeconds, "s");
        result.Add("bio lateness p50", Stats.Percentile(lateness, 50), "s");
        result.Add("bio lateness p99", Stats.Percentile(lateness, 99), "s", 2, higherIsBetter: false);
        result.Add("bio lateness max", Stats.Max(lateness), "s");
        result.MustBeZero("bios missing", deliveries.Missing(expected.Select(e => e.CallbackData)));
        result.MustBeZero("messages duplicated", deliveries.Duplicates);
        result.MustBeZero("webhooks not acked", failed);
        result.Details["windowStart"] = windowStart;
        result.Details["ingestFinished"] = ingestDone;
        result.Details["latenessHistogram"] = Histogram(lateness);
        if (ingestDone > windowStart)
        {
            result.Failures.Add($"ingest finished at {ingestDone:HH:mm:ss}, after the window opened at {windowStart:HH:mm:ss}: lateness is not comparable");
        }
        result.Notes.Add($"{count} bookings ingested at 32 in flight first; their bios fall due evenly over {window.TotalSeconds:0} s from {lead.TotalSeconds:0} s after ingest began. Notifications:ReminderPeriod at its default (30 s).");
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    /// <summary>Counts by whole second of lateness (negative = early), for the JSON.</summary>
    public static SortedDictionary<int, int> Histogram(IEnumerable<double> seconds) =>
        new(seconds.GroupBy(s => (int)Math.Floor(s)).ToDictionary(g => g.Key, g => g.Count()));
}
