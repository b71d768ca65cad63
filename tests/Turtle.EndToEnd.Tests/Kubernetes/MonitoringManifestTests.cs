using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Turtle.Grains.Telemetry;
using Turtle.Testing.Processes;
using YamlDotNet.RepresentationModel;
using static Turtle.EndToEnd.Tests.Kubernetes.KubernetesManifests;

namespace Turtle.EndToEnd.Tests.Kubernetes;

/// <summary>
/// The Grafana dashboard and the PrometheusRule (SPEC §16) query only series Turtle exports: Turtle's own meter, named as
/// the OpenTelemetry Prometheus exporter names them, and ASP.NET Core's request duration. promtool checks the rules' syntax
/// (./test.sh); this checks that they ask about something that exists.
/// </summary>
public partial class MonitoringManifestTests
{
    /// <summary>
    /// ASP.NET Core's <c>http.server.request.duration</c> histogram (unit s; labels <c>http_route</c>,
    /// <c>http_response_status_code</c>), as the API's /metrics serves it (TelemetryEndToEndTests reads it there).
    /// </summary>
    private static readonly string[] AspNetCoreSeries =
        ["http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_count", "http_server_request_duration_seconds_sum"];

    private static readonly string Dashboard = Path.Combine(TurtleProcess.RepositoryRoot, "deploy", "grafana", "turtle-dashboard.json");

    [Fact]
    public void DashboardQueriesOnlySeriesTurtleExportsAndShowsEveryTurtleMetric()
    {
        var exported = TurtleSeries();
        var queries = DashboardQueries();

        var used = queries.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(queries);
        Assert.All(used, name => Assert.True(exported.Contains(name) || AspNetCoreSeries.Contains(name), $"the dashboard queries {name}, which Turtle does not export"));
        foreach (var metric in TurtleMetricBases())
        {
            Assert.True(used.Any(u => u.StartsWith(metric, StringComparison.Ordinal)), $"the dashboard shows nothing of {metric}");
        }
    }

    [Fact]
    public void AlertRulesCoverSpecSixteensAlertsOnSeriesTurtleExports()
    {
        var rule = Get("PrometheusRule", "turtle");
        var rules = rule.Node.Map("spec").Seq("groups").Cast<YamlMappingNode>().SelectMany(g => g.Seq("rules").Cast<YamlMappingNode>()).ToList();
        var exported = TurtleSeries();

        Assert.Equal("monitoring.coreos.com/v1", rule.Node.Scalar("apiVersion"));
        Assert.Equal(
            ["TurtleMessagesFailing", "TurtleMessagesLate", "TurtleReconcileErrors", "TurtleWatchdogWakeups", "TurtleWebhook5xx", "TurtleWhatsAppAccountHeld"],
            rules.Select(r => r.Scalar("alert")!).Order(StringComparer.Ordinal));
        foreach (var r in rules)
        {
            var names = MetricNames(r.Scalar("expr")!).ToList();
            Assert.NotEmpty(names);
            Assert.All(names, name => Assert.True(exported.Contains(name) || AspNetCoreSeries.Contains(name), $"{r.Scalar("alert")} queries {name}, which Turtle does not export"));
            Assert.False(string.IsNullOrEmpty(r.Scalar("labels", "severity")), $"{r.Scalar("alert")} has no severity");
        }
        Assert.Contains("> 60", rules.Single(r => r.Scalar("alert") == "TurtleMessagesLate").Scalar("expr"), StringComparison.Ordinal);
    }

    /// <summary>Every expression of the dashboard: its panels' queries and its variables' queries.</summary>
    private static List<string> DashboardQueries()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var queries = new List<string>();
        foreach (var panel in json.RootElement.GetProperty("panels").EnumerateArray())
        {
            queries.AddRange(panel.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!));
        }
        foreach (var variable in json.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            // label_values(<series>, <label>): the series is what it reads.
            if (variable.TryGetProperty("definition", out var definition) && LabelValues().Match(definition.GetString()!) is { Success: true } values)
            {
                queries.Add(values.Groups[1].Value);
            }
        }
        return queries;
    }

    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
        { "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan" };

    /// <summary>
    /// The series a PromQL expression reads: what is left once strings, label matchers, ranges and grouping lists are
    /// taken out is functions (followed by a parenthesis), keywords, numbers, and the series' names.
    /// </summary>
    private static IEnumerable<string> MetricNames(string expression)
    {
        var bare = Grouping().Replace(Ranges().Replace(Matchers().Replace(Strings().Replace(expression, ""), ""), ""), "");
        return Identifier().Matches(bare)
            .Where(m => !bare[(m.Index + m.Length)..].TrimStart().StartsWith('(') && !PromQlWords.Contains(m.Value.ToLowerInvariant()))
            .Select(m => m.Value);
    }

    /// <summary>Turtle's instruments as Prometheus names them: dots to underscores, the unit, <c>_total</c> on counters, a histogram's three series.</summary>
    private static HashSet<string> TurtleSeries()
    {
        var series = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instrument in TurtleInstruments())
        {
            var name = Base(instrument);
            var type = instrument.GetType().GetGenericTypeDefinition();
            if (type == typeof(Counter<>))
            {
                series.Add(name + "_total");
            }
            else if (type == typeof(Histogram<>))
            {
                series.UnionWith([name + "_bucket", name + "_count", name + "_sum"]);
            }
            else
            {
                series.Add(name);
            }
        }
        return series;
    }

    private static IEnumerable<string> TurtleMetricBases() => TurtleInstruments().Select(Base);

    private static string Base(Instrument instrument) => instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : "");

    private static List<Instrument> TurtleInstruments()
    {
        // Touches the meter's type, so its instruments are created; a listener started later is told of each.
        TurtleMetrics.AccountHeld(false);
        var instruments = new List<Instrument>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == TurtleMetrics.MeterName)
            {
                instruments.Add(instrument);
            }
        };
        listener.Start();
        Assert.Contains(instruments, i => i.Name == "turtle.messages");
        return instruments;
    }

    [GeneratedRegex(@"^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,")]
    private static partial Regex LabelValues();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    /// <summary>A name, not a number's digits or exponent (the look-behind keeps <c>1e3</c> and <c>0.95</c> out).</summary>
    [GeneratedRegex(@"(?<![0-9.a-zA-Z_:])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
