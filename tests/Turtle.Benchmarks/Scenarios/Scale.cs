using System.Diagnostics;
using System.Globalization;
using Turtle.Testing.Processes;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// Many bookings spread over the next 30 days on one silo: ingest time, the silo's memory once the load
/// stops, reminder rows, and how long a killed silo takes to come back with its reminders loaded.
/// </summary>
public static class Scale
{
    private static readonly TimeSpan ProbeSpacing = TimeSpan.FromSeconds(3);

    /// <summary>The heap limit .NET sets in a container limited to 1 GiB (75 % of it).</summary>
    private const long PodHeapLimit = 768L << 20;

    private sealed record Probes(IReadOnlyList<string> Ids, DateTimeOffset FirstDue, int Failed = 0)
    {
        public DateTimeOffset Due(int i) => FirstDue + ProbeSpacing * i;
    }

    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("scale", settings.Smoke, settings.Environment);
        var count = settings.Smoke ? 200 : settings.ScaleBookings;
        // Idle bookings leave memory after 1.5 minutes, collected once a minute, and a quiet silo hands freed memory
        // back at most every 2 minutes (Turtle.Silo's IdleMemoryTrimmer): the silo is read 5 minutes after the load.
        var settle = settings.Smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromMinutes(5);

        // As in its pod (deploy/kubernetes/silo.yaml, limits.memory 1Gi): .NET caps a container's heap at 75 % of its
        // limit, and Orleans sheds idle activations at 80 % of that cap.
        await using var turtle = new TurtleDeployment(new Dictionary<string, string?>
        {
            ["Orleans__GrainCollectionAge"] = "00:01:30",
            ["DOTNET_GCHeapHardLimit"] = PodHeapLimit.ToString("x", CultureInfo.InvariantCulture),
        });
        await turtle.StartAsync();
        var silo = turtle.Silos[0];
        using var load = new BookingLoad(turtle.ApiBase);
        await load.RunCountAsync(settings.Smoke ? 10 : 200, 32, _ => DateTimeOffset.UtcNow.AddDays(40)); // warm-up
        var rssStart = SiloMetrics.RssMiB(silo.Id);
        // A smoke run books its probes first, so the reminder period they must wait overlaps the tiny ingest.
        var probes = settings.Smoke ? await BookProbesAsync(load, 5) : null;

        var origin = DateTimeOffset.UtcNow;
        var peak = rssStart;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, SiloMetrics.RssMiB(silo.Id));
                await Task.Delay(1000, CancellationToken.None);
            }
        });
        var cpu = CpuUsage.Start(new Dictionary<string, int> { ["silo"] = silo.Id, ["api"] = turtle.Api!.Id });
        var watch = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();
        var progress = new Progress<int>(i =>
        {
            if (lastReport.Elapsed > TimeSpan.FromSeconds(30))
            {
                lastReport.Restart();
                Console.WriteLine($"  scale: {i} posted after {watch.Elapsed.TotalSeconds:0} s, silo RSS {SiloMetrics.RssMiB(silo.Id):0} MiB");
            }
        });
        var posted = await load.RunCountAsync(count, 32, i => origin + TimeSpan.FromDays(30) * ((i + 0.5) / count), progress: progress);
        var ingest = watch.Elapsed;
        result.Details["ingestCpuPercentOfOneCore"] = cpu.Percent();
        var heapAtPeak = settings.Smoke ? null : await HeapDump.TopTypesAsync(silo.Id);
        var failed = posted.Count(b => b.Status != 200);
        Console.WriteLine($"  scale: {count} ingested in {ingest.TotalSeconds:0.0} s ({count / ingest.TotalSeconds:0}/s), {failed} failed");

        // Confirmations drain, then the silo is left alone to settle before its memory is read.
        var confirmations = await Deliveries.WaitForAsync(turtle.WhatsApp, [.. posted.Select(b => b.Id + ":Confirmation")], DateTimeOffset.UtcNow.AddMinutes(5));
        await Task.Delay(settle);
        await sampling.CancelAsync();
        await sampler;
        var rssIdle = SiloMetrics.RssMiB(silo.Id);
        var reminders = await SiloMetrics.ReminderRowsAsync(turtle.ClusterId);
        var heapIdle = settings.Smoke ? null : await HeapDump.TopTypesAsync(silo.Id);

        result.Add("bookings", count, "");
        result.Add("time to ingest", ingest.TotalSeconds, "s");
        result.Add("ingest rate", count / ingest.TotalSeconds, "/s");
        result.MustBeZero("webhooks not acked", failed);
        result.MustBeZero("confirmations missing", confirmations.Missing(posted.Where(b => b.Status == 200).Select(b => b.Id + ":Confirmation")));
        result.Add("silo RSS at start (after warm-up)", rssStart, "MiB");
        result.Add("silo RSS peak during ingest", peak, "MiB", 1024, higherIsBetter: false);
        result.Add($"silo RSS {settle.TotalSeconds:0} s after the load stopped", rssIdle, "MiB", 300, higherIsBetter: false);
        result.Add("silo RSS growth per 1,000 bookings", (rssIdle - rssStart) / count * 1000, "MiB");
        result.Add("reminder rows", reminders, "rows");
        foreach (var (when, heap) in new[] { ("at the end of the ingest", heapAtPeak), ($"{settle.TotalSeconds:0} s after the load stopped", heapIdle) })
        {
            if (heap is not { } h)
            {
                continue;
            }
            result.Add($"managed heap {when}", h.TotalBytes / 1048576.0, "MiB");
            result.Details[$"heapTopTypes {when}"] = h.Top.Select(t => new { type = t.Type, count = t.Count, mib = Math.Round(t.Bytes / 1048576.0, 1), bytesPerBooking = Math.Round(t.Bytes / (double)count, 1) }).ToList();
            result.Notes.Add($"Heap {when}: {h.TotalBytes / 1048576.0:0} MiB in {h.Objects:N0} objects; largest types: "
                + string.Join("; ", h.Top.Take(8).Select(t => $"{ShortName(t.Type)} {t.Bytes / 1048576.0:0.#} MiB ({t.Count:N0})")) + ".");
        }
        if (!settings.Smoke && heapAtPeak is null)
        {
            result.Notes.Add("No heap dump was taken (dotnet-dump not installed; ./bench.sh installs it into .data/tools).");
        }

        probes ??= await BookProbesAsync(load, 20);
        // Full run: the kill just before the first probe, so probes due while the reminders load show how long that took.
        await MeasureRestartAsync(turtle, probes, settings.Smoke ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(2), result);
        if (count < 100_000 && !settings.Smoke)
        {
            result.Notes.Add($"Run with {count:N0} bookings, not 100,000: Azurite's CPU per request grows with the rows it holds, so ingest slows as bookings accumulate and 100,000 would not finish in the time allowed.");
        }
        result.Notes.Add("The silo runs with Orleans:GrainCollectionAge=00:01:30, so idle bookings leave memory; RSS is read 5 minutes after the load stopped, once activations were collected and the quiet silo had returned the memory they freed.");
        result.Notes.Add($"The silo runs as in its pod (limits.memory 1Gi): DOTNET_GCHeapHardLimit {PodHeapLimit >> 20} MiB, the 75 % of the limit .NET takes in a container; Orleans sheds idle activations above 80 % of it.");
        result.Notes.Add($"Restart readiness: probe bookings whose bios fall due {ProbeSpacing.TotalSeconds:0} s apart from just after the kill; the first probe bio sent after the restart bounds the time until a lost wake-up is caught, by the watchdog's sweeps after the start or by the reminders (resolution {ProbeSpacing.TotalSeconds:0} s).");
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    /// <summary>A type's name without its namespaces' noise, for the notes.</summary>
    private static string ShortName(string type) => type.Replace("System.Collections.Generic.", "", StringComparison.Ordinal)
        .Replace("System.Collections.Concurrent.", "", StringComparison.Ordinal).Replace("System.", "", StringComparison.Ordinal);

    /// <summary>
    /// Probe bookings whose bios fall due one after another from a reminder period ahead, so that their durable
    /// reminders, not timers, wake them; the first probe sent after a restart shows the reminders are loaded.
    /// </summary>
    private static async Task<Probes> BookProbesAsync(BookingLoad load, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var firstDue = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(65);
        var probes = new Probes(ids, firstDue);
        var posted = await load.RunCountAsync(count, 4, i => probes.Due(i) + TimeSpan.FromDays(1), i => ids[i]);
        return probes with { Failed = posted.Count(b => b.Status != 200) };
    }

    /// <summary>kill -9 <paramref name="killLead"/> before the first probe is due, restart on the same ports; ready = health answers, then the first probe's reminder fires.</summary>
    private static async Task MeasureRestartAsync(TurtleDeployment turtle, Probes probes, TimeSpan killLead, ScenarioResult result)
    {
        var wait = probes.FirstDue - killLead - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        var silo = turtle.Silos[0];
        silo.Kill();
        var restart = Stopwatch.StartNew();
        var restartedAt = DateTimeOffset.UtcNow;
        await turtle.StartSiloAsync(silo.Ports);
        var live = restart.Elapsed;
        var expected = probes.Ids.Select((id, i) => (CallbackData: id + ":AdvisorBio", Due: probes.Due(i))).ToList();
        var deliveries = await Deliveries.WaitForAsync(turtle.WhatsApp, [.. expected.Select(e => e.CallbackData)], probes.Due(probes.Ids.Count - 1) + TimeSpan.FromMinutes(3));
        await Task.Delay(TimeSpan.FromSeconds(3));
        deliveries = new Deliveries(turtle.WhatsApp.Requests);
        var sent = expected.Select(e => deliveries.FirstAt(e.CallbackData)).OfType<DateTimeOffset>().Where(at => at > restartedAt).Order().ToList();

        result.Add("restart: kill -9 → silo answering /health/live", live.TotalSeconds, "s");
        if (sent.Count > 0)
        {
            result.Add("restart: kill -9 → first reminder fired (reminders loaded)", (sent[0] - restartedAt).TotalSeconds, "s", 15, higherIsBetter: false);
        }
        else
        {
            result.Failures.Add("no probe reminder fired after the restart");
        }
        if (deliveries.Lateness(expected.Where(e => e.Due >= restartedAt)) is { Count: > 0 } afterKill)
        {
            result.Add("restart: worst lateness of probes due after the kill", Stats.Max(afterKill), "s", 15, higherIsBetter: false);
        }
        result.MustBeZero("probe bios missing", deliveries.Missing(expected.Select(e => e.CallbackData)) + probes.Failed);
        result.MustBeZero("messages duplicated", deliveries.Duplicates);
        result.Details["probeLatenessSeconds"] = deliveries.Lateness(expected);
    }
}
