using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Turtle.Benchmarks;

/// <summary>One reported figure; <see cref="Met"/> is null when the issue sets no target for it.</summary>
public sealed record Metric(string Name, double Value, string Unit, string? Target = null, bool? Met = null);

/// <summary>What a scenario writes to <c>&lt;scenario&gt;.json</c>.</summary>
public sealed class ScenarioResult(string scenario, bool smoke, BenchEnvironment environment)
{
    public string Scenario { get; } = scenario;
    public bool Smoke { get; } = smoke;
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset FinishedAt { get; set; }
    public BenchEnvironment Environment { get; } = environment;
    public List<Metric> Metrics { get; } = [];

    /// <summary>Correctness failures (errors, missing or duplicated messages): any one fails the run.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Scenario-specific raw figures: per repetition, per concurrency level.</summary>
    public Dictionary<string, object?> Details { get; } = [];

    public List<string> Notes { get; } = [];

    public void Add(string name, double value, string unit) => Metrics.Add(new Metric(name, Math.Round(value, 3), unit));

    /// <summary>A figure with a target: at most (<paramref name="higherIsBetter"/> false) or at least <paramref name="target"/>.</summary>
    public void Add(string name, double value, string unit, double target, bool higherIsBetter)
    {
        var met = higherIsBetter ? value >= target : value <= target;
        var text = (higherIsBetter ? "≥ " : "≤ ") + target.ToString("0.###", CultureInfo.InvariantCulture);
        Metrics.Add(new Metric(name, Math.Round(value, 3), unit, text, met));
    }

    /// <summary>A count that must be zero (missing, duplicated, errors): a non-zero value also fails the run.</summary>
    public void MustBeZero(string name, double value, string unit = "")
    {
        Metrics.Add(new Metric(name, value, unit, "0", value == 0));
        if (value != 0)
        {
            Failures.Add($"{name} = {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

public sealed record BenchEnvironment(int Cores, string Os, string Runtime, string Orleans, string Azurite, string Commit, string Machine)
{
    public static BenchEnvironment Current() => new(
        System.Environment.ProcessorCount,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        typeof(IGrainFactory).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split(' ', '+')[0].TrimEnd('.') ?? "?",
        System.Environment.GetEnvironmentVariable("TURTLE_AZURITE_VERSION") ?? "?",
        System.Environment.GetEnvironmentVariable("TURTLE_COMMIT") ?? "?",
        CpuModel());

    public override string ToString() =>
        $"{Cores} cores ({Machine}), {Os}, {Runtime}, Orleans {Orleans}, Azurite {Azurite}, commit {Commit}";

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "?" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

/// <summary>Writes a scenario's JSON and regenerates the Markdown table over every result in the folder.</summary>
public static class ResultWriter
{
    public static async Task WriteAsync(ScenarioResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, result.Scenario + ".json"), JsonSerializer.Serialize(result, ScenarioResult.Json));
    }

    public static async Task WriteSummaryAsync(string folder, IReadOnlyList<string> order)
    {
        Directory.CreateDirectory(folder);
        var results = new List<JsonElement>();
        foreach (var name in order)
        {
            var path = Path.Combine(folder, name + ".json");
            if (File.Exists(path))
            {
                results.Add(JsonDocument.Parse(await File.ReadAllTextAsync(path)).RootElement.Clone());
            }
        }
        var md = new StringBuilder();
        md.AppendLine("# Turtle benchmark results").AppendLine();
        md.AppendLine("Produced by `./bench.sh` (tests/Turtle.Benchmarks): Azurite, silo(s), API and the fake Graph API on loopback, all on one machine.").AppendLine();
        var environments = results.GroupBy(r => r.GetProperty("environment").ToString()).ToList();
        foreach (var environment in environments)
        {
            var e = JsonSerializer.Deserialize<BenchEnvironment>(environment.Key, ScenarioResult.Json)!;
            // Scenarios re-run at a later commit say which ones.
            var which = environments.Count > 1 ? $" ({string.Join(", ", environment.Select(r => r.GetProperty("scenario").GetString()))})" : "";
            md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {e}{which}.").AppendLine();
        }
        md.AppendLine("| scenario | metric | value | target | met? |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var result in results)
        {
            var scenario = result.GetProperty("scenario").GetString();
            foreach (var metric in result.GetProperty("metrics").EnumerateArray())
            {
                var value = metric.GetProperty("value").GetDouble().ToString("#,0.###", CultureInfo.InvariantCulture);
                var unit = metric.GetProperty("unit").GetString();
                var target = metric.TryGetProperty("target", out var t) ? t.GetString() + " " + unit : "";
                var met = metric.TryGetProperty("met", out var m) ? (m.GetBoolean() ? "yes" : "**no**") : "";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} | {metric.GetProperty("name").GetString()} | {value} {unit} | {target.Trim()} | {met} |");
            }
        }
        md.AppendLine();
        AppendSeedComparison(md, results);
        ScaleOnPaper.Append(md, results);
        foreach (var result in results)
        {
            var notes = result.TryGetProperty("notes", out var n) ? n.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            var failures = result.GetProperty("failures").EnumerateArray().Select(x => x.GetString()).ToList();
            if (notes.Count == 0 && failures.Count == 0)
            {
                continue;
            }
            md.AppendLine(CultureInfo.InvariantCulture, $"**{result.GetProperty("scenario").GetString()}** (run {result.GetProperty("startedAt").GetDateTimeOffset():yyyy-MM-dd HH:mm} UTC):").AppendLine();
            foreach (var failure in failures)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- FAILED: {failure}");
            }
            foreach (var note in notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
            md.AppendLine();
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "SUMMARY.md"), md.ToString());
    }

    /// <summary>The seed-baseline scenario's figures beside Turtle's, when it has run.</summary>
    private static void AppendSeedComparison(StringBuilder md, List<JsonElement> results)
    {
        var seed = results.FirstOrDefault(r => r.GetProperty("scenario").GetString() == "seed-baseline");
        if (seed.ValueKind != JsonValueKind.Object || !seed.TryGetProperty("details", out var details) || !details.TryGetProperty("comparison", out var rows))
        {
            return;
        }
        md.AppendLine("## Turtle and the design it replaces").AppendLine();
        md.AppendLine("The seed was a Flask script that kept every scheduled WhatsApp message in a `threading.Timer` (one OS thread per pending message) and nothing on disk. "
            + "`./bench.sh seed-baseline` runs a small reproduction of it (tests/Turtle.Benchmarks/SeedBaseline/seed_app.py, benchmark tooling only) under the ingest scenario's workload; "
            + "its limits and method are in the seed-baseline notes below.").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Seed measured {seed.GetProperty("startedAt").GetDateTimeOffset():yyyy-MM-dd HH:mm} UTC{(seed.GetProperty("smoke").GetBoolean() ? " (smoke sizes)" : "")}.").AppendLine();
        md.AppendLine("| quantity | seed (a timer thread per message) | Turtle | ratio | Turtle's figure from |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var row in rows.EnumerateArray())
        {
            string Cell(string name) => row.GetProperty(name).GetString()!.Replace("|", "\\|", StringComparison.Ordinal);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Cell("quantity")} | {Cell("seed")} | {Cell("turtle")} | {Cell("ratio")} | {Cell("turtleFrom")} |");
        }
        md.AppendLine();
    }
}
