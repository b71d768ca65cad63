using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// The design Turtle replaces, under the ingest scenario's workload: SeedBaseline/seed_app.py keeps bookings in
/// a dict and one <c>threading.Timer</c> (an OS thread) per pending message, with nothing persisted. Measured:
/// webhooks/s at 32 in flight, RSS per pending message, pending messages held until thread creation fails
/// under a task limit, and scheduled messages lost across a restart; set beside Turtle's own figures.
/// </summary>
public static class SeedBaseline
{
    /// <summary>
    /// RLIMIT_NPROC for the seed app: half of Linux's default pid_max (32,768), so the app can never take the
    /// process ids the other half of the machine needs.
    /// </summary>
    public const int TaskLimit = 16_384;

    private const int SmokeGrowthTaskLimit = 512;

    /// <summary>Never reached at this task limit (about 18 KiB a thread); there to keep the machine safe whatever happens.</summary>
    private const double RssWatchdogMiB = 3072;

    private const int InFlight = 32;

    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(250);

    private sealed record IngestFigures(double Rate, double AckP99, int PerRepetition, int Repetitions);

    private sealed record GrowthFigures(int Limit, int Pending, bool Failed, string StopReason, double KiBPerMessage, double KernelKiBPerThread,
        double BaseRssMiB, double RssMiB, int Bookings, double Seconds, double LastRate, int LastRatePending);

    private sealed record RestartFigures(int Expected, int Lost, int PendingBefore, int PendingAfter);

    /// <summary>One line of the side-by-side table in SUMMARY.md.</summary>
    public sealed record ComparisonRow(string Quantity, string Seed, string Turtle, string Ratio, string TurtleFrom);

    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("seed-baseline", settings.Smoke, settings.Environment);
        var loadBefore = LoadAverage();
        var ingest = await MeasureIngestAsync(settings, result);
        var growth = await MeasureGrowthAsync(settings, result);
        var restart = await MeasureRestartAsync(settings, result);
        result.Details["comparison"] = Compare(settings, ingest, growth, restart);
        result.Details["loadAverage"] = new { before = loadBefore, after = LoadAverage() };
        result.Notes.Add($"Load average (1, 5, 15 min) of the machine, whose 2 cores are shared: {loadBefore} before, {LoadAverage()} after; Turtle's results do not record theirs.");
        result.Notes.Add("Seed design reproduced in tests/Turtle.Benchmarks/SeedBaseline/seed_app.py (Python standard library; benchmark tooling only): Flask's threaded development server rebuilt on ThreadingMixIn + HTTPServer as Werkzeug builds it (a thread per connection, every connection closed after its response, listen queue 128, each request logged), bookings in a dict, the confirmation sent inside the request, one threading.Timer per later message (bio at start − 24 h, reminder at start − 1 h), no persistence, no retries.");
        result.Notes.Add($"Workload as the ingest scenario's: signed invitee.created webhooks, a distinct phone per booking, meetings 3 days ahead (so each booking leaves 2 pending timers), {InFlight} in flight, the fake Graph API on loopback.");
        result.Notes.Add($"Limits: every seed process runs under RLIMIT_NPROC {TaskLimit:N0} tasks{(settings.Smoke ? $" (the growth test under {SmokeGrowthTaskLimit:N0})" : "")}, as user nobody when the benchmark is root (Linux does not apply RLIMIT_NPROC to root); RSS watchdog {RssWatchdogMiB:N0} MiB; growth stops after {GrowthTimeCap(settings).TotalMinutes:0.#} min whatever happens. No address-space limit: a thread reserves an 8 MiB stack of address space, so prlimit --as would measure reserved address space, not memory.");
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    /// <summary>Webhooks/s at 32 in flight, median of 3, each repetition on a fresh app after a warm-up.</summary>
    private static async Task<IngestFigures> MeasureIngestAsync(BenchSettings settings, ScenarioResult result)
    {
        var repetitions = settings.Smoke ? 1 : 3;
        // A fixed count rather than the ingest scenario's 30 s: 30 s would leave more timer threads than the task limit.
        var count = settings.Smoke ? 200 : 3_000;
        var warmUp = settings.Smoke ? 20 : 300;
        var reps = new List<(double Rate, double AckP50, double AckP99, int Errors, int Pending, Dictionary<string, double> Cpu)>();
        var errors = 0;
        for (var rep = 0; rep < repetitions; rep++)
        {
            await using var whatsApp = new FakeWhatsAppApi();
            await whatsApp.StartAsync();
            await using var app = await SeedApp.StartAsync(whatsApp, TaskLimit);
            result.Details["python"] = app.Banner;
            using var load = new BookingLoad(app.BaseUrl);
            var warm = await load.RunCountAsync(warmUp, InFlight, _ => FarAhead());

            var cpu = CpuUsage.Start(new Dictionary<string, int> { ["seed"] = app.Id });
            var watch = Stopwatch.StartNew();
            var posted = await load.RunCountAsync(count, InFlight, _ => FarAhead());
            var elapsed = watch.Elapsed;
            var cpuPercent = cpu.Percent();
            var acked = posted.Where(b => b.Status == 200).ToList();
            // The seed sends the confirmation before it answers: an acked booking's confirmation has already arrived.
            var deliveries = await Deliveries.WaitForAsync(whatsApp, [.. acked.Select(b => b.Id + ":Confirmation")], DateTimeOffset.UtcNow.AddSeconds(30));
            var failed = posted.Count - acked.Count + warm.Count(b => b.Status != 200) + deliveries.Missing(acked.Select(b => b.Id + ":Confirmation"));
            errors += failed;
            foreach (var error in posted.Where(b => b.Error is not null).Select(b => b.Error).Distinct().Take(3))
            {
                result.Notes.Add($"ingest: {error}");
            }
            var ack = acked.Select(b => b.AckMs).ToList();
            reps.Add((acked.Count / elapsed.TotalSeconds, Stats.Percentile(ack, 50), Stats.Percentile(ack, 99), failed, app.ExtraThreads, cpuPercent));
            var r = reps[^1];
            Console.WriteLine($"  seed ingest rep {rep + 1}: {r.Rate:0.0}/s, ack p50 {r.AckP50:0} ms p99 {r.AckP99:0} ms, errors {r.Errors}, {r.Pending} timer threads after; CPU % of a core: {string.Join(", ", r.Cpu.Select(c => $"{c.Key} {c.Value:0}"))}");
        }
        var rate = Stats.Median(reps.Select(r => r.Rate));
        var p99 = Stats.Median(reps.Select(r => r.AckP99));
        result.Add($"webhooks acked per second, {InFlight} in flight", rate, "/s");
        result.Add($"ack latency p50, {InFlight} in flight", Stats.Median(reps.Select(r => r.AckP50)), "ms");
        result.Add($"ack latency p99, {InFlight} in flight", p99, "ms");
        result.MustBeZero("ingest errors (non-200 acks, confirmations never sent)", errors);
        result.Details["ingest"] = new
        {
            webhooksPerRepetition = count,
            warmUp,
            repetitions = reps.Select(r => new { rate = r.Rate, ackP50 = r.AckP50, ackP99 = r.AckP99, errors = r.Errors, timerThreadsAfter = r.Pending, cpuPercentOfOneCore = r.Cpu }).ToList(),
        };
        result.Notes.Add($"Ingest: {count:N0} webhooks per repetition after {warmUp} to warm up, each repetition on a fresh app ({(count + warmUp) * 2:N0} timer threads at its end); Turtle's ingest runs 30 s per repetition, which here would pass the task limit.");
        return new IngestFigures(rate, p99, count, repetitions);
    }

    /// <summary>Books until a webhook fails (thread creation refused at the task limit), the app dies, or a safety cap.</summary>
    private static async Task<GrowthFigures> MeasureGrowthAsync(BenchSettings settings, ScenarioResult result)
    {
        var limit = settings.Smoke ? SmokeGrowthTaskLimit : TaskLimit;
        var timeCap = GrowthTimeCap(settings);
        var checkpointEvery = settings.Smoke ? 50 : 1_000;
        await using var whatsApp = new FakeWhatsAppApi();
        await whatsApp.StartAsync();
        await using var app = await SeedApp.StartAsync(whatsApp, limit);
        using var load = new BookingLoad(app.BaseUrl);
        await load.RunCountAsync(20, 4, _ => FarAhead()); // imports, first allocations
        await Task.Delay(1000);
        var baseRss = app.RssMiB;
        var basePending = app.ExtraThreads;
        var baseKernelStack = KernelStackKiB();

        using var stopping = new CancellationTokenSource();
        string? stopReason = null;
        var failed = false;
        void Stop(string reason, bool failure)
        {
            lock (stopping)
            {
                if (stopReason is null)
                {
                    stopReason = reason;
                    failed = failure;
                }
            }
            stopping.Cancel();
        }

        var watch = Stopwatch.StartNew();
        var samples = new List<(double Seconds, double RssMiB, int Threads)>();
        var sampler = Task.Run(async () =>
        {
            var lastSample = -TimeSpan.FromSeconds(1);
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    var rss = app.RssMiB;
                    if (rss > RssWatchdogMiB)
                    {
                        app.Kill();
                        Stop($"RSS watchdog: {rss:0} MiB", failure: false);
                    }
                    else if (watch.Elapsed - lastSample >= TimeSpan.FromSeconds(1))
                    {
                        lastSample = watch.Elapsed;
                        lock (samples)
                        {
                            samples.Add((watch.Elapsed.TotalSeconds, rss, app.ExtraThreads + 1));
                        }
                    }
                }
                catch (IOException)
                {
                    // /proc/<pid> is gone: the process ended.
                }
                if (app.HasExited)
                {
                    Stop("the process exited", failure: true);
                }
                else if (watch.Elapsed > timeCap)
                {
                    Stop($"safety time cap of {timeCap.TotalMinutes:0.#} min", failure: false);
                }
                await Task.Delay(SampleEvery, CancellationToken.None);
            }
        });

        var acked = 0;
        var checkpoints = new ConcurrentQueue<(int Bookings, double Seconds, double Rate, int Threads, double RssMiB)>();
        var chunk = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, InFlight).Select(async _ =>
        {
            while (!stopping.IsCancellationRequested)
            {
                var booking = await load.PostAsync(FarAhead());
                if (booking.Status != 200)
                {
                    Stop($"webhook answered {(booking.Status == 0 ? "with no response" : booking.Status.ToString(CultureInfo.InvariantCulture))} ({booking.Error?.Split('\n')[0]})", failure: true);
                    continue;
                }
                var n = Interlocked.Increment(ref acked);
                if (n % checkpointEvery == 0)
                {
                    var seconds = chunk.Elapsed.TotalSeconds;
                    chunk.Restart();
                    checkpoints.Enqueue((n, watch.Elapsed.TotalSeconds, checkpointEvery / seconds, SafeThreads(app), SafeRss(app)));
                }
            }
        });
        await Task.WhenAll(workers);
        var elapsed = watch.Elapsed;
        await sampler;
        // Request threads end as their connections close; what is left is the main thread and the timers.
        await Task.Delay(1500);
        var alive = !app.HasExited;
        (double Seconds, double RssMiB, int Threads) last;
        lock (samples)
        {
            last = samples.Count > 0 ? samples[^1] : (0, baseRss, basePending + 1);
        }
        var pending = alive ? app.ExtraThreads : last.Threads - 1;
        var rssEnd = alive ? app.RssMiB : last.RssMiB;
        var perMessage = (rssEnd - baseRss) * 1024 / Math.Max(1, pending - basePending);
        var kernelPerThread = (KernelStackKiB() - baseKernelStack) / (double)Math.Max(1, pending - basePending);
        var appError = app.LastLine("can't start new thread") ?? app.LastLine("Error");
        Console.WriteLine($"  seed growth: stopped after {elapsed.TotalSeconds:0} s ({stopReason}); {pending} timers pending, RSS {baseRss:0} → {rssEnd:0} MiB ({perMessage:0.0} KiB a message); app said: {appError}");

        result.Add($"task limit of the growth test (RLIMIT_NPROC, user {app.User})", limit, "tasks");
        result.Add(failed ? "pending messages held when it failed" : "pending messages held at the safety cap (no failure yet)", pending, "timers");
        result.Add("bookings accepted before it failed", acked + 20, "bookings");
        result.Add("RSS per pending message (RSS growth ÷ pending timers)", perMessage, "KiB");
        result.Add("RSS at the end of the growth test", rssEnd, "MiB");
        result.Add($"time to fill the limit at {InFlight} in flight", elapsed.TotalSeconds, "s");
        var lastChunk = checkpoints.LastOrDefault();
        result.Add($"webhooks acked per second, {InFlight} in flight, the last {checkpointEvery:N0} before the limit", lastChunk.Rate, "/s");
        result.Details["growth"] = new
        {
            stopReason,
            failed,
            processAliveAfter = alive,
            appError,
            baseRssMiB = baseRss,
            basePendingTimers = basePending,
            pendingTimers = pending,
            kernelStackKiBPerThread = kernelPerThread,
            checkpoints = checkpoints.Select(c => new { bookings = c.Bookings, seconds = c.Seconds, webhooksPerSecond = c.Rate, threads = c.Threads, rssMiB = c.RssMiB }).ToList(),
            samples = samples.Select(s => new { seconds = Math.Round(s.Seconds, 1), rssMiB = Math.Round(s.RssMiB, 1), threads = s.Threads }).ToList(),
        };
        result.Notes.Add($"Growth: bookings 3 days ahead at {InFlight} in flight into one app until a webhook failed: {stopReason}. The app's last error: {appError ?? "none"}. At the limit the request threads ({InFlight} connections) count too, so pending timers ≈ limit − 1 − requests in flight.");
        result.Notes.Add("RSS per pending message counts the timer thread's stack pages and Python objects, not the kernel's own memory per thread (a 16 KiB kernel stack plus its task structures); details.growth.kernelStackKiBPerThread is the machine-wide KernelStack growth over the test divided by the threads added.");
        return new GrowthFigures(limit, pending, failed, stopReason ?? "?", perMessage, kernelPerThread, baseRss, rssEnd,
            acked + 20, elapsed.TotalSeconds, lastChunk.Rate, lastChunk.Threads - 1);
    }

    /// <summary>Books bios due within the minute, kills and restarts the app, and counts what the fake received; a control app is left running.</summary>
    private static async Task<RestartFigures> MeasureRestartAsync(BenchSettings settings, ScenarioResult result)
    {
        var count = settings.Smoke ? 20 : 200;
        var lead = settings.Smoke ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(25);
        var window = settings.Smoke ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(30);
        await using var whatsApp = new FakeWhatsAppApi();
        await whatsApp.StartAsync();
        await using var control = await SeedApp.StartAsync(whatsApp, TaskLimit);
        var app = await SeedApp.StartAsync(whatsApp, TaskLimit);
        try
        {
            using var load = new BookingLoad(app.BaseUrl);
            using var controlLoad = new BookingLoad(control.BaseUrl);
            var firstDue = DateTimeOffset.UtcNow + lead;
            DateTimeOffset Due(int i) => firstDue + window * (i / (double)count);
            var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString()).ToArray();
            var controlIds = Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString()).ToArray();
            // The meeting a day and a bit ahead: its bio (start − 24 h) falls due within the minute.
            var booked = await Task.WhenAll(
                load.RunCountAsync(count, InFlight, i => Due(i) + TimeSpan.FromDays(1), i => ids[i]),
                controlLoad.RunCountAsync(count, InFlight, i => Due(i) + TimeSpan.FromDays(1), i => controlIds[i]));
            var notAcked = booked.Sum(b => b.Count(x => x.Status != 200));
            await Task.Delay(500);
            var pendingBefore = app.ExtraThreads;
            if (DateTimeOffset.UtcNow > firstDue - TimeSpan.FromSeconds(1))
            {
                result.Failures.Add("booking finished after the first bio was due: the restart came too late to show the loss");
            }

            app.Kill();
            var watch = Stopwatch.StartNew();
            await using var restarted = await SeedApp.StartAsync(whatsApp, TaskLimit, app.Port);
            var restartSeconds = watch.Elapsed.TotalSeconds;
            await Task.Delay(500); // the thread that answered the readiness probe's connection ends
            var pendingAfter = restarted.ExtraThreads;
            var deadline = Due(count - 1) + (settings.Smoke ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(10));
            await Task.Delay(Max(deadline - DateTimeOffset.UtcNow, TimeSpan.Zero));

            var deliveries = new Deliveries(whatsApp.Requests);
            var lost = deliveries.Missing(ids.Select(id => id + ":AdvisorBio"));
            var confirmed = count - deliveries.Missing(ids.Select(id => id + ":Confirmation"));
            var controlExpected = controlIds.Select((id, i) => (CallbackData: id + ":AdvisorBio", Due: Due(i))).ToList();
            var controlLateness = deliveries.Lateness(controlExpected);
            Console.WriteLine($"  seed restart: {count} bios due from {firstDue:HH:mm:ss}; {pendingBefore} timers before the kill, {pendingAfter} after the restart ({restartSeconds:0.0} s); bios received {count - lost}, lost {lost}; control {controlLateness.Count}/{count}");

            result.Add("restart: bios due within a minute of the kill", count, "bios");
            result.Add("restart: bios received after the restart", count - lost, "bios");
            result.Add("restart: bios lost", lost, "bios");
            result.Add("restart: pending messages before the kill (timer threads)", pendingBefore, "timers");
            result.Add("restart: pending messages after the restart", pendingAfter, "timers");
            result.MustBeZero("restart: control app (not restarted) bios missing", deliveries.Missing(controlExpected.Select(e => e.CallbackData)));
            result.MustBeZero("restart: webhooks not acked", notAcked);
            result.Add("restart: control app bio lateness p99", Stats.Percentile(controlLateness, 99), "s");
            result.Details["restart"] = new { firstDue, windowSeconds = window.TotalSeconds, confirmationsBeforeKill = confirmed, restartSeconds, controlLatenessSeconds = controlLateness };
            result.Notes.Add($"Restart: {count} bookings whose bios fall due {lead.TotalSeconds:0}–{(lead + window).TotalSeconds:0} s after booking; the app killed (kill -9) as soon as they were acked and started again on the same port; a control app given the same bookings was left running and sent every bio. The confirmations, sent inside the requests, had all arrived before the kill ({confirmed} of {count}). SIGTERM would lose the same: Python's default SIGTERM action ends the process without running its timers.");
            return new RestartFigures(count, lost, pendingBefore, pendingAfter);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>The seed's figures beside Turtle's from the other scenarios' results (this run's folder, else the committed bench-results).</summary>
    private static List<ComparisonRow> Compare(BenchSettings settings, IngestFigures ingest, GrowthFigures growth, RestartFigures restart)
    {
        var rows = new List<ComparisonRow>();
        var rate = Turtle(settings, "ingest", n => n == $"webhooks acked per second, {InFlight} in flight");
        rows.Add(new($"webhooks acked per second, {InFlight} in flight", $"{N(ingest.Rate)} /s", rate is null ? "not run" : $"{N(rate.Value)} /s",
            rate is null ? "" : $"Turtle ×{rate.Value / ingest.Rate:0.0#}", rate?.Source ?? ""));

        var p99 = Turtle(settings, "ingest", n => n == $"ack latency p99, {InFlight} in flight");
        rows.Add(new($"ack latency p99, {InFlight} in flight", $"{N(ingest.AckP99)} ms", p99 is null ? "not run" : $"{N(p99.Value)} ms",
            p99 is null ? "" : $"seed ÷ Turtle {ingest.AckP99 / p99.Value:0.0#}", p99?.Source ?? ""));

        var scaleRate = Turtle(settings, "scale", n => n == "ingest rate");
        var bookings = Turtle(settings, "scale", n => n == "bookings");
        rows.Add(new($"webhooks acked per second, {InFlight} in flight, while pending messages accumulate",
            $"{N(growth.Bookings / growth.Seconds)} /s filling the limit ({N(growth.Bookings)} bookings); {N(growth.LastRate)} /s with ≈ {N(growth.LastRatePending)} pending",
            scaleRate is null ? "not run" : $"{N(scaleRate.Value)} /s over {N(bookings?.Value ?? double.NaN)} bookings (scale)",
            scaleRate is null ? "" : $"Turtle ×{scaleRate.Value / (growth.Bookings / growth.Seconds):0.#}; ×{scaleRate.Value / growth.LastRate:0.#} against the seed's last",
            scaleRate?.Source ?? ""));

        // Turtle's bookings hold 2 pending messages each (bio, reminder), as the seed's do; about 1 in 30 of the
        // scale run's bookings (meetings within a day) had sent its bio at booking, so this slightly understates it.
        var growthPer1000 = Turtle(settings, "scale", n => n == "silo RSS growth per 1,000 bookings");
        var scaleStart = Turtle(settings, "scale", n => n == "silo RSS at start (after warm-up)");
        var peak = Turtle(settings, "scale", n => n == "silo RSS peak during ingest");
        var turtlePerMessage = growthPer1000 is null ? (double?)null : growthPer1000.Value * 1024 / 2000;
        var turtlePeakPerMessage = scaleStart is null || peak is null || bookings is null ? (double?)null : (peak.Value - scaleStart.Value) * 1024 / (bookings.Value * 2);
        rows.Add(new("RSS per pending message",
            $"{N(growth.KiBPerMessage)} KiB (RSS growth ÷ timer threads), plus {N(growth.KernelKiBPerThread)} KiB of kernel stack per thread",
            turtlePerMessage is null ? "not run" : $"{N(turtlePerMessage.Value)} KiB idle (silo RSS growth per 1,000 bookings ÷ 2,000){(turtlePeakPerMessage is null ? "" : $"; {N(turtlePeakPerMessage.Value)} KiB at the ingest peak")}",
            turtlePerMessage is null ? "" : $"seed ×{growth.KiBPerMessage / turtlePerMessage.Value:0.#} (idle){(turtlePeakPerMessage is null ? "" : $", ×{growth.KiBPerMessage / turtlePeakPerMessage.Value:0.#} (peak)")}",
            growthPer1000?.Source ?? ""));

        var seedHeld = growth.Failed
            ? $"{N(growth.Pending)} (thread creation failed at RLIMIT_NPROC {growth.Limit:N0})"
            : $"≥ {N(growth.Pending)} (stopped: {growth.StopReason})";
        rows.Add(new("pending messages held", seedHeld,
            bookings is null ? "not run" : $"≈ {N(bookings.Value * 2)} ({N(bookings.Value)} bookings × 2, the most the scale run books; no limit reached)",
            bookings is null ? "" : $"Turtle ≥ ×{bookings.Value * 2 / growth.Pending:0.#}", bookings?.Source ?? ""));

        var idle = Turtle(settings, "scale", n => n.StartsWith("silo RSS ", StringComparison.Ordinal) && n.EndsWith("after the load stopped", StringComparison.Ordinal));
        if (bookings is not null && idle is not null)
        {
            var extrapolated = growth.BaseRssMiB + bookings.Value * 2 * growth.KiBPerMessage / 1024;
            rows.Add(new($"RSS holding {N(bookings.Value)} bookings ({N(bookings.Value * 2)} pending messages)",
                $"≈ {N(extrapolated)} MiB extrapolated, plus {N(bookings.Value * 2 * growth.KernelKiBPerThread / 1024)} MiB of kernel stacks; cannot run: {N(bookings.Value * 2)} threads, over this machine's pid_max {PidMax()}",
                $"{N(idle.Value)} MiB idle{(peak is null ? "" : $", {N(peak.Value)} MiB peak while ingesting")}",
                $"seed ×{extrapolated / idle.Value:0.#} (idle){(peak is null ? "" : $", ×{extrapolated / peak.Value:0.#} (peak)")}", idle.Source));
        }

        var failover = Turtle(settings, "failover", n => n == "bios missing");
        var failoverBookings = Turtle(settings, "failover", n => n == "bookings");
        var probes = Turtle(settings, "scale", n => n == "probe bios missing");
        rows.Add(new("scheduled messages lost across a restart or a kill",
            $"{restart.Lost} of {restart.Expected} bios due within the minute; {restart.PendingBefore - restart.PendingAfter} of {restart.PendingBefore} pending messages gone",
            failover is null ? "not run" : $"{N(failover.Value)} of {N(failoverBookings?.Value ?? double.NaN)} bios (a silo killed mid-burst){(probes is null ? "" : $"; {N(probes.Value)} probe bios lost across kill -9 and restart")}",
            failover is null ? "" : $"seed loses {(double)restart.Lost / restart.Expected:P0}, Turtle {(failoverBookings is null ? double.NaN : failover.Value / failoverBookings.Value):P0}",
            string.Join("; ", new[] { failover?.Source, probes?.Source }.OfType<string>().Distinct())));
        return rows;
    }

    private sealed record EarlierFigure(double Value, string Source);

    /// <summary>A metric of another scenario's result: this run's output folder first, else the committed bench-results.</summary>
    private static EarlierFigure? Turtle(BenchSettings settings, string scenario, Func<string, bool> name)
    {
        foreach (var folder in new[] { settings.OutputFolder, Path.Combine(TurtleProcess.RepositoryRoot, "bench-results") }.Distinct())
        {
            var path = Path.Combine(folder, scenario + ".json");
            if (!File.Exists(path))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            foreach (var metric in root.GetProperty("metrics").EnumerateArray())
            {
                if (name(metric.GetProperty("name").GetString()!))
                {
                    var commit = root.GetProperty("environment").GetProperty("commit").GetString();
                    var smoke = root.GetProperty("smoke").GetBoolean() ? ", smoke" : "";
                    return new EarlierFigure(metric.GetProperty("value").GetDouble(), $"{Path.GetRelativePath(TurtleProcess.RepositoryRoot, path)} ({commit}{smoke})");
                }
            }
        }
        return null;
    }

    private static DateTimeOffset FarAhead() => DateTimeOffset.UtcNow.AddDays(3);

    private static TimeSpan GrowthTimeCap(BenchSettings settings) => settings.Smoke ? TimeSpan.FromSeconds(30) : TimeSpan.FromMinutes(4);

    private static string N(double value) => value.ToString(value >= 100 ? "#,0" : "#,0.###", CultureInfo.InvariantCulture);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static int SafeThreads(SeedApp app)
    {
        try
        {
            return app.ExtraThreads + 1;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double SafeRss(SeedApp app)
    {
        try
        {
            return app.RssMiB;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>KernelStack of /proc/meminfo in KiB: the whole machine's, other processes included.</summary>
    private static long KernelStackKiB() =>
        File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("KernelStack:", StringComparison.Ordinal))
            .Select(l => long.Parse(l["KernelStack:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)).FirstOrDefault();

    private static string LoadAverage() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string PidMax() => File.ReadAllText("/proc/sys/kernel/pid_max").Trim();
}
