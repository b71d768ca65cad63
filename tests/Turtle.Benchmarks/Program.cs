using System.Globalization;
using Turtle.Benchmarks;
using Turtle.Benchmarks.Scenarios;
using Turtle.Testing;
using Turtle.Testing.Processes;

// Usage: Turtle.Benchmarks [<scenario>...|all] [--smoke] [--out <folder>] [--scale-bookings <n>] [--ingest-levels 1,8,32,128] [--console-bookings <n>] [--retention-bookings <n>]
//        [--whole-life-bookings <n>] [--whole-life-gap <seconds>] [--due-burst-bookings <n>] [--summary-only]
// Storage comes from TURTLE_TEST_STORAGE (./bench.sh starts an Azurite of its own and sets it).
string[] order = ["storage-limit", "ingest", "due-burst", "scale", "failover", "seed-baseline", "console", "insights", "whole-life", "retention"];
var smoke = args.Contains("--smoke");
var output = Option("--out") ?? Path.Combine(TurtleProcess.RepositoryRoot, smoke ? ".data/bench-smoke" : "bench-results");
var named = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] is "--smoke" || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).ToList();
if (named.FirstOrDefault(n => n != "all" && !order.Contains(n)) is { } unknown)
{
    Console.Error.WriteLine($"unknown scenario '{unknown}'; one of: {string.Join(", ", order)}, all");
    return 2;
}
var settings = new BenchSettings(smoke, output)
{
    ScaleBookings = Option("--scale-bookings") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 100_000,
    IngestLevels = Option("--ingest-levels") is { } levels ? [.. levels.Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture))] : [1, 8, 32, 128],
    ConsoleBookings = Option("--console-bookings") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : 1_000,
    RetentionBookings = Option("--retention-bookings") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 10_000,
    WholeLifeBookings = Option("--whole-life-bookings") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : 64,
    WholeLifeGap = Option("--whole-life-gap") is { } g ? TimeSpan.FromSeconds(int.Parse(g, CultureInfo.InvariantCulture)) : TimeSpan.FromSeconds(60),
    DueBurstBookings = Option("--due-burst-bookings") is { } d ? int.Parse(d, CultureInfo.InvariantCulture) : 50_000,
};
Console.WriteLine($"Turtle benchmark{(smoke ? " (smoke)" : "")}: {settings.Environment}");
Console.WriteLine($"storage: {TestStorage.ConnectionString.Split(';').FirstOrDefault(p => p.StartsWith("TableEndpoint", StringComparison.Ordinal))}; binaries: {TurtleProcess.BuildConfiguration}; results: {output}");

if (args.Contains("--summary-only"))
{
    await ResultWriter.WriteSummaryAsync(output, order);
    return 0;
}
string[] selected = named.Count == 0 || named.Contains("all") ? order : [.. order.Where(named.Contains)];
var failures = new List<string>();

async Task RunAsync(string scenario)
{
    Console.WriteLine($"== {scenario}");
    var watch = System.Diagnostics.Stopwatch.StartNew();
    ScenarioResult result;
    try
    {
        result = scenario switch
        {
            "storage-limit" => await StorageLimit.RunAsync(settings),
            "ingest" => await Ingest.RunAsync(settings),
            "due-burst" => await DueBurst.RunAsync(settings),
            "scale" => await Scale.RunAsync(settings),
            "seed-baseline" => await SeedBaseline.RunAsync(settings),
            "console" => await ConsoleWeek.RunAsync(settings),
            "insights" => await InsightQuarter.RunAsync(settings),
            "whole-life" => await WholeLife.RunAsync(settings),
            "retention" => await Retention.RunAsync(settings),
            _ => await Failover.RunAsync(settings),
        };
    }
    catch (Exception e)
    {
        Console.WriteLine($"== {scenario} FAILED after {watch.Elapsed.TotalSeconds:0} s: {e}");
        lock (failures)
        {
            failures.Add($"{scenario}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
        return;
    }
    await ResultWriter.WriteAsync(result, output);
    foreach (var metric in result.Metrics)
    {
        var target = metric.Target is null ? "" : $"   (target {metric.Target} {metric.Unit}: {(metric.Met == true ? "met" : "MISSED")})";
        Console.WriteLine($"   {metric.Name}: {metric.Value.ToString("#,0.###", CultureInfo.InvariantCulture)} {metric.Unit}{target}");
    }
    lock (failures)
    {
        failures.AddRange(result.Failures.Select(f => $"{scenario}: {f}"));
    }
    Console.WriteLine($"== {scenario} done in {watch.Elapsed.TotalSeconds:0} s");
}

if (smoke)
{
    // Failover and the scale restart wait out a reminder period each, the seed baseline waits for its bios, and a
    // booking's whole life takes its seven steps: in a smoke run they go beside the quick scenarios (tiny loads), so the
    // whole run stays short.
    var slow = selected.Where(IsSlow).Select(s => Task.Run(() => RunAsync(s))).ToList();
    foreach (var scenario in selected.Where(s => !IsSlow(s)))
    {
        await RunAsync(scenario);
    }
    await Task.WhenAll(slow);
}
else
{
    foreach (var scenario in selected)
    {
        await RunAsync(scenario);
    }
}

await ResultWriter.WriteSummaryAsync(output, order);
Console.WriteLine($"summary: {Path.Combine(output, "SUMMARY.md")}");
foreach (var failure in failures)
{
    Console.WriteLine($"FAILED {failure}");
}
return failures.Count == 0 ? 0 : 1;

static bool IsSlow(string scenario) => scenario is "failover" or "scale" or "seed-baseline" or "whole-life";

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
