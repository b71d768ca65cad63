using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Turtle.Testing.Otlp;

namespace Turtle.EndToEnd.Tests.Telemetry;

/// <summary>The fake collector against OpenTelemetry's own OTLP exporter (HTTP/protobuf), not against itself.</summary>
public class FakeOtlpCollectorTests : IAsyncLifetime
{
    private readonly FakeOtlpCollector _collector = new();

    public async Task InitializeAsync() => await _collector.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Fact]
    public async Task SpansExportedByTheOtlpExporterAreListedWithIdsParentKindAndService()
    {
        var source = $"collector-test-{Guid.NewGuid():N}";
        using var activities = new ActivitySource(source);
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source)
            .ConfigureResource(r => r.AddService("collector-test-service"))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(_collector.Endpoint, "/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (var server = activities.StartActivity("POST /webhooks/calendly", ActivityKind.Server))
            {
                server!.SetTag("http.route", "/webhooks/calendly");
                server.SetTag("http.response.status_code", 200);
                using var client = activities.StartActivity("IAppointmentGrain/BookAsync", ActivityKind.Client);
            }
            Assert.True(provider.ForceFlush(5000));
        }

        var spans = await _collector.WaitForSpansAsync(s => s.Count(x => x.Scope == source) == 2, TimeSpan.FromSeconds(10));
        var root = Assert.Single(spans, s => s.Name == "POST /webhooks/calendly");
        var child = Assert.Single(spans, s => s.Name == "IAppointmentGrain/BookAsync");

        Assert.Equal("collector-test-service", root.ServiceName);
        Assert.Equal(OtlpSpanKind.Server, root.Kind);
        Assert.Null(root.ParentSpanId);
        Assert.Matches("^[0-9a-f]{32}$", root.TraceId);
        Assert.Matches("^[0-9a-f]{16}$", root.SpanId);
        Assert.Equal("/webhooks/calendly", root.Attributes["http.route"]);
        Assert.Equal("200", root.Attributes["http.response.status_code"]);
        Assert.Equal(OtlpSpanKind.Client, child.Kind);
        Assert.Equal(root.TraceId, child.TraceId);
        Assert.Equal(root.SpanId, child.ParentSpanId);
    }

    [Fact]
    public void MetricsExportsAreAcceptedWithStatus200()
    {
        var meterName = $"collector-test-{Guid.NewGuid():N}";
        using var meter = new Meter(meterName);
        var counter = meter.CreateCounter<long>("collector.test");
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(_collector.Endpoint, "/v1/metrics");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
            })
            .Build();
        counter.Add(1);

        // ForceFlush is true only when the exporter got a success answer.
        Assert.True(provider.ForceFlush(5000));
        Assert.True(_collector.MetricsExports >= 1);
    }

    [Fact]
    public async Task JsonAndUndecodableBodiesAreRefused()
    {
        using var http = new HttpClient { BaseAddress = _collector.Endpoint };

        using var json = await http.PostAsync(new Uri("/v1/traces", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        using var broken = new ByteArrayContent([0x0A, 0x05, 0x01]);
        broken.Headers.ContentType = new(FakeOtlpCollector.ProtobufContentType);
        using var truncated = await http.PostAsync(new Uri("/v1/traces", UriKind.Relative), broken);
        using var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new(FakeOtlpCollector.ProtobufContentType);
        using var nothing = await http.PostAsync(new Uri("/v1/logs", UriKind.Relative), empty);

        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, truncated.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, nothing.StatusCode);
    }
}
