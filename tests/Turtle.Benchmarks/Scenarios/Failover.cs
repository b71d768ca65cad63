using Turtle.Testing.Processes;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// Two silos, bookings whose bios fall due over a few minutes, and one silo killed with kill -9 partway:
/// every bio must still go out exactly once; the worst lateness after the kill shows how long recovery took.
/// </summary>
public static class Failover
{
    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("failover", settings.Smoke, settings.Environment);
        var count = settings.Smoke ? 20 : 2_000;
        var window = settings.Smoke ? TimeSpan.FromSeconds(12) : TimeSpan.FromMinutes(3);
        var killAfter = settings.Smoke ? TimeSpan.FromSeconds(6) : TimeSpan.FromMinutes(1);

        await using var turtle = new TurtleDeployment();
        await turtle.StartAsync(silos: 2);
        using var load = new BookingLoad(turtle.ApiBase);
        await load.RunCountAsync(settings.Smoke ? 10 : 200, 16, _ => DateTimeOffset.UtcNow.AddDays(5)); // warm-up

        // Over a reminder period ahead (full run), so the bios are woken by their durable reminders.
        var windowStart = DateTimeOffset.UtcNow + (settings.Smoke ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(90));
        var killAt = windowStart + killAfter;
        DateTimeOffset Due(int i)
        {
            var at = windowStart + window * (i / (double)count);
            // The smoke run keeps 2 s clear around the kill, so a send cut off mid-flight cannot make it flaky.
            return settings.Smoke && (at - killAt).Duration() < TimeSpan.FromSeconds(2) ? killAt + TimeSpan.FromSeconds(2) : at;
        }
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var posted = await load.RunCountAsync(count, 32, i => Due(i) + TimeSpan.FromDays(1), i => ids[i]);
        var failed = posted.Count(b => b.Status != 200);
        Console.WriteLine($"  failover: {count} booked by {DateTimeOffset.UtcNow:HH:mm:ss}, bios due from {windowStart:HH:mm:ss}, kill at {killAt:HH:mm:ss}");
        if (DateTimeOffset.UtcNow > windowStart)
        {
            result.Failures.Add("ingest finished after the first bio was due");
        }

        await Task.Delay(Max(killAt - DateTimeOffset.UtcNow, TimeSpan.Zero));
        var victim = turtle.Silos[^1];
        victim.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        Console.WriteLine($"  failover: killed silo {victim.Ports?.Silo} at {killedAt:HH:mm:ss.fff}");

        var expected = ids.Select((id, i) => (CallbackData: id + ":AdvisorBio", Due: Due(i))).ToList();
        var deadline = windowStart + window + (settings.Smoke ? TimeSpan.FromSeconds(100) : TimeSpan.FromMinutes(5));
        var deliveries = await Deliveries.WaitForAsync(turtle.WhatsApp, [.. expected.Select(e => e.CallbackData)], deadline);
        await Task.Delay(TimeSpan.FromSeconds(settings.Smoke ? 2 : 15));
        deliveries = new Deliveries(turtle.WhatsApp.Requests);

        var lateness = deliveries.Lateness(expected);
        var afterKill = deliveries.Lateness(expected.Where(e => e.Due >= killedAt));
        result.Add("bookings", count, "");
        result.MustBeZero("bios missing", deliveries.Missing(expected.Select(e => e.CallbackData)));
        result.MustBeZero("messages duplicated", deliveries.Duplicates);
        result.MustBeZero("webhooks not acked", failed);
        result.Add("bio lateness p50 (all)", Stats.Percentile(lateness, 50), "s");
        result.Add("bio lateness p99 (all)", Stats.Percentile(lateness, 99), "s");
        result.Add("worst lateness of bios due after the kill", Stats.Max(afterKill), "s", 15, higherIsBetter: false);
        result.Add("bios due after the kill sent > 5 s late", afterKill.Count(x => x > 5), "");
        result.Details["killedAt"] = killedAt;
        result.Details["duplicatedAt"] = deliveries.DuplicateTimes();
        result.Details["latenessHistogramAfterKill"] = DueBurst.Histogram(afterKill);
        result.Notes.Add($"{count} bios due evenly over {window.TotalMinutes:0.#} min on 2 silos; the second silo killed (kill -9, not restarted) {killAfter.TotalSeconds:0} s into the window.");
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
