using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// The morning burst: many bookings whose AdvisorBio falls due within the same 60 s, on one silo with the production
/// reminder period, and Meta's three receipts (sent, delivered, read) for every message it takes, each posted as its own
/// webhook a second apart: how late each bio reaches the Graph API, whether any is missing or sent twice, how fast the
/// receipts are acknowledged, and whether they all reached the bookings and the client's record.
/// </summary>
public static class DueBurst
{
    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("due-burst", settings.Smoke, settings.Environment);
        var count = settings.Smoke ? 30 : settings.DueBurstBookings;
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
        // Twice the estimate: the warm-up runs on an empty table, and ingest must end before the window opens.
        var lead = settings.Smoke ? TimeSpan.FromSeconds(8) : ingestEstimate * 2 + TimeSpan.FromSeconds(30);
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
        // From here on every message Meta takes gets its receipts; the confirmations sent during ingest got none.
        turtle.WhatsApp.ReportStatusesTo(new Uri(turtle.ApiBase, "/webhooks/whatsapp"), TurtleDeployment.AppSecret, TimeSpan.FromSeconds(1), receiptsApart: TimeSpan.FromSeconds(1));

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
        var bios = expected.Select((e, i) => (Booking: ids[i], Request: deliveries.First(e.CallbackData))).Where(b => b.Request is not null).Select(b => (b.Booking, Request: b.Request!)).ToList();
        var receiptsDeadline = DateTimeOffset.UtcNow + (settings.Smoke ? TimeSpan.FromSeconds(30) : TimeSpan.FromMinutes(3));
        var posts = await WaitForReceiptsAsync(turtle.WhatsApp, bios.Select(b => b.Request.MessageId!), receiptsDeadline);
        var sample = settings.Smoke ? bios : [.. bios.OrderBy(_ => Random.Shared.Next()).Take(1_000)];
        using var api = turtle.CreateClient();
        var applied = new AppliedReceipts(api, "AdvisorBio");
        var (notRead, unrecorded) = await applied.CheckAsync(sample, DateTimeOffset.UtcNow + (settings.Smoke ? TimeSpan.FromSeconds(30) : TimeSpan.FromMinutes(3)));
        var acks = posts.Select(p => p.Latency.TotalMilliseconds).ToList();

        result.Add("bookings", count, "");
        result.Add("ingest time", ingestTime.TotalSeconds, "s");
        result.Add("bio lateness p50", Stats.Percentile(lateness, 50), "s");
        result.Add("bio lateness p99", Stats.Percentile(lateness, 99), "s", 0.5, higherIsBetter: false);
        result.Add("bio lateness max", Stats.Max(lateness), "s");
        result.MustBeZero("bios missing", deliveries.Missing(expected.Select(e => e.CallbackData)));
        result.MustBeZero("messages duplicated", deliveries.Duplicates);
        result.MustBeZero("webhooks not acked", failed);
        result.Add("statuses posted", posts.Count, "");
        result.Add("status ack p50", Stats.Percentile(acks, 50), "ms");
        result.Add("status ack p99", Stats.Percentile(acks, 99), "ms", 100, higherIsBetter: false);
        result.Add("status ack max", Stats.Max(acks), "ms");
        result.MustBeZero("statuses not acked", posts.Count(p => !p.Taken));
        result.MustBeZero("bios without their receipts posted", bios.Count - ReadTaken(posts).Intersect(bios.Select(b => b.Request.MessageId!)).Count());
        result.MustBeZero("sampled bios not shown read", notRead);
        result.MustBeZero("sampled bios without sent/delivered/read in the record", unrecorded);
        result.Add("sample reads the API did not answer within 30 s (read again)", applied.Unanswered, "");
        result.Details["windowStart"] = windowStart;
        result.Details["ingestFinished"] = ingestDone;
        result.Details["latenessHistogram"] = Histogram(lateness);
        if (ingestDone > windowStart)
        {
            result.Failures.Add($"ingest finished at {ingestDone:HH:mm:ss}, after the window opened at {windowStart:HH:mm:ss}: lateness is not comparable");
        }
        result.Notes.Add($"{count} bookings ingested at 32 in flight first; their bios fall due evenly over {window.TotalSeconds:0} s from {lead.TotalSeconds:0} s after ingest began. Notifications:ReminderPeriod at its default (30 s).");
        result.Notes.Add("From the end of ingest the fake Graph API posts, for every message it takes, a signed sent status 1 s after the request, then delivered and read each 1 s after the previous one was acknowledged (one webhook each, retried on non-2xx); the confirmations sent during ingest got none. Status ack: time from a status webhook's post to its answer, over every post.");
        result.Notes.Add($"Receipts applied: checked on {sample.Count} {(settings.Smoke ? "(all)" : "random")} bookings through the API: GET /api/appointments/{{id}} shows the bio read, and GET /api/records for the client holds the bio and its sent, delivered and read entries.");
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    /// <summary>Waits until a <c>read</c> receipt of each message was acknowledged, or the deadline passes; returns every status post.</summary>
    private static async Task<IReadOnlyList<StatusPost>> WaitForReceiptsAsync(FakeWhatsAppApi meta, IEnumerable<string> messageIds, DateTimeOffset deadline)
    {
        var wanted = messageIds.ToHashSet();
        while (true)
        {
            var posts = meta.StatusPosts;
            if (wanted.IsSubsetOf(ReadTaken(posts)) || DateTimeOffset.UtcNow >= deadline)
            {
                // Receipts of other messages (the advisors') may still be on their way: a moment for them to land.
                await Task.Delay(TimeSpan.FromSeconds(3));
                return meta.StatusPosts;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static HashSet<string> ReadTaken(IEnumerable<StatusPost> posts) => [.. posts.Where(p => p is { Status: "read", Taken: true }).Select(p => p.MessageId)];

    /// <summary>Counts by whole second of lateness (negative = early), for the JSON.</summary>
    public static SortedDictionary<int, int> Histogram(IEnumerable<double> seconds) =>
        new(seconds.GroupBy(s => (int)Math.Floor(s)).ToDictionary(g => g.Key, g => g.Count()));
}
