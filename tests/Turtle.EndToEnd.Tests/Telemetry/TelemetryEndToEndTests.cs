using System.Globalization;
using System.Net;
using Turtle.Testing.Calendly;
using Turtle.Testing.Otlp;
using Turtle.Testing.Processes;
using Turtle.Testing.Prometheus;
using Turtle.Testing;

namespace Turtle.EndToEnd.Tests.Telemetry;

/// <summary>A silo and the API exporting to the fake collector over OTLP/HTTP, as an operator would configure them.</summary>
public sealed class TelemetryDeployment : IAsyncLifetime
{
    public FakeOtlpCollector Collector { get; } = new();
    public TurtleDeployment Turtle { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Collector.StartAsync();
        Turtle = new TurtleDeployment(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Batches every half second instead of every five, so the test waits less.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        });
        await Turtle.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Turtle.DisposeAsync();
        await Collector.DisposeAsync();
    }
}

public class TelemetryEndToEndTests(TelemetryDeployment deployment) : IClassFixture<TelemetryDeployment>
{
    private const string Webhooks = "turtle_webhooks_total";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TurtleDeployment Turtle => deployment.Turtle;

    [Fact]
    public async Task SignedCalendlyWebhookIsCountedOnTheApisMetrics()
    {
        using var http = Turtle.CreateClient();
        var applied = new[] { ("source", "calendly"), ("event", "invitee.created"), ("outcome", "applied") };
        var before = PrometheusText.Sum(await MetricsAsync(http, Turtle.ApiBase), Webhooks, applied);

        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(Turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(Guid.NewGuid().ToString(), "+91 98765 43210", DateTimeOffset.UtcNow.AddDays(3))));
        using var unsigned = await http.PostAsync(new Uri("/webhooks/calendly", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        // The exporter caches a scrape for 300 ms: read until the new count shows.
        var metrics = await MetricsAsync(http, Turtle.ApiBase, text => PrometheusText.Sum(text, Webhooks, applied) > before);
        Assert.Equal(before + 1, PrometheusText.Sum(metrics, Webhooks, applied));
        Assert.True(PrometheusText.Sum(metrics, Webhooks, ("source", "calendly"), ("event", "unknown"), ("outcome", "refused")) >= 1, metrics);
        Assert.Contains("# TYPE turtle_webhooks_total counter", metrics, StringComparison.Ordinal);
        // ASP.NET Core, HttpClient, runtime and Orleans client meters are there too.
        Assert.Contains(PrometheusText.Parse(metrics), s => s.Name == "http_server_request_duration_seconds_count"
            && (s.Labels.GetValueOrDefault("http_route")?.StartsWith("/webhooks/calendly", StringComparison.Ordinal) ?? false));
        Assert.Contains(PrometheusText.Parse(metrics), s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(PrometheusText.Parse(metrics), s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneTraceSpansTheWebhookTheGrainAndTheGraphRequest()
    {
        using var http = Turtle.CreateClient();
        var id = Guid.NewGuid().ToString();

        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(Turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(id, "+91 98765 43210", DateTimeOffset.UtcNow.AddDays(3))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation", 1, Patience);

        var graphPort = Turtle.WhatsApp.BaseUrl.Port.ToString(CultureInfo.InvariantCulture);
        // Each process exports its own batches: wait until the webhook's span, the silo's booking call and the Graph
        // request of one trace have all arrived, whichever process finished first.
        bool Complete(IReadOnlyCollection<OtlpSpan> all, string traceId) =>
            all.Any(s => s.TraceId == traceId && s.ServiceName == "turtle-silo" && IsGraphRequest(s, graphPort))
            && all.Any(s => s.TraceId == traceId && s.ServiceName == "turtle-silo" && s.Kind == OtlpSpanKind.Server
                && s.Name.EndsWith("IAppointmentGrain/BookAsync", StringComparison.Ordinal));
        var spans = await deployment.Collector.WaitForSpansAsync(
            all => all.Where(IsWebhookSpan).Any(root => Complete(all, root.TraceId)), Patience);

        var trace = spans.Where(IsWebhookSpan).Select(s => s.TraceId).First(t => Complete(spans, t));
        var inTrace = spans.Where(s => s.TraceId == trace).ToList();
        var root = Assert.Single(inTrace, IsWebhookSpan);
        // The client's confirmation, and the advisor's new-booking notice when the advisor's number is free, both go out in it.
        var graphs = inTrace.Where(s => IsGraphRequest(s, graphPort)).ToList();
        Assert.InRange(graphs.Count, 1, 2);
        var siloServer = inTrace.Where(s => s.ServiceName == "turtle-silo" && s.Kind == OtlpSpanKind.Server).ToList();

        Assert.Null(root.ParentSpanId);
        Assert.NotEmpty(siloServer);
        // The booking grain's call continues the API's span (the Orleans client's outgoing call): no new trace at the silo.
        var booking = Assert.Single(siloServer, s => s.Name.EndsWith("IAppointmentGrain/BookAsync", StringComparison.Ordinal));
        Assert.Contains(inTrace, p => p.SpanId == booking.ParentSpanId && p.ServiceName == "turtle-api" && p.Kind == OtlpSpanKind.Client);
        Assert.All(graphs, graph => Assert.Equal(OtlpSpanKind.Client, graph.Kind));
        Assert.Equal(["turtle-api", "turtle-silo"], inTrace.Select(s => s.ServiceName).Distinct().Order());
        Assert.All(graphs, graph => Assert.True(Chain(inTrace, graph).Contains(root.SpanId), "the Graph request's ancestors include the webhook's span"));
    }

    [Fact]
    public async Task SiloServesItsMetricsOnTheDashboardPortAndIsReady()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var silo = new Uri($"http://127.0.0.1:{Turtle.Silos[0].Ports!.Dashboard}");

        var metrics = await MetricsAsync(http, silo);
        // Polled as Kubernetes polls it: one probe may find storage slower than the probe's 5 s under the suite's load.
        var ready = await Eventually.ReadAsync(async () =>
        {
            using var probe = await http.GetAsync(new Uri(silo, "/health/ready"));
            return (probe.StatusCode, Body: await probe.Content.ReadAsStringAsync());
        }, r => r.StatusCode == HttpStatusCode.OK, Patience);

        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"/health/ready answered {ready.StatusCode}: {ready.Body}");
        var samples = PrometheusText.Parse(metrics);
        Assert.Contains(samples, s => s.Name == "target_info" && s.Labels.GetValueOrDefault("service_name") == "turtle-silo");
        Assert.Contains(samples, s => s.Name == "orleans_catalog_activations");
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.True(deployment.Collector.MetricsExports > 0 || await MetricsExportedAsync(), "OTLP metrics were exported");
    }

    [Fact]
    public async Task AQuietClusterStartsNoTracesOfItsOwn()
    {
        var before = deployment.Collector.Spans.Count;
        await Task.Delay(TimeSpan.FromSeconds(8));

        // Without the root sampler an idle silo starts several root spans a second (dashboard statistics, grain timers).
        var background = deployment.Collector.Spans.Skip(before)
            .Where(s => s.ParentSpanId is null && s.Scope != "Microsoft.AspNetCore" && !s.Name.EndsWith("/ReceiveReminder", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(background);
    }

    private async Task<bool> MetricsExportedAsync() =>
        await Eventually.ReadAsync(() => deployment.Collector.MetricsExports > 0, exported => exported, Patience);

    private static bool IsWebhookSpan(OtlpSpan span) => span.ServiceName == "turtle-api" && span.Kind == OtlpSpanKind.Server
        && span.Attributes.GetValueOrDefault("url.path") == "/webhooks/calendly";

    private static bool IsGraphRequest(OtlpSpan span, string graphPort) =>
        span.Kind == OtlpSpanKind.Client && span.Attributes.GetValueOrDefault("server.port") == graphPort
        && (span.Attributes.GetValueOrDefault("url.full")?.EndsWith("/messages", StringComparison.Ordinal) ?? false);

    /// <summary>The span ids from <paramref name="span"/> up to its root, within one trace.</summary>
    private static HashSet<string> Chain(List<OtlpSpan> trace, OtlpSpan span)
    {
        var ids = new HashSet<string>();
        for (var current = span; current is not null; current = trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (!ids.Add(current.SpanId))
            {
                break;
            }
        }
        return ids;
    }

    private static async Task<string> MetricsAsync(HttpClient http, Uri baseAddress, Func<string, bool>? until = null)
    {
        return await Eventually.ReadAsync(async () =>
        {
            using var response = await http.GetAsync(new Uri(baseAddress, "/metrics"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
            return await response.Content.ReadAsStringAsync();
        }, text => until is null || until(text), TimeSpan.FromSeconds(5));
    }
}
