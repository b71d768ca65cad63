using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Turtle.Grains.Telemetry;

/// <summary>
/// OpenTelemetry as the API and every silo set it up (SPEC §10): HttpClient, runtime and Orleans metrics and traces,
/// the <c>Turtle</c> meter, and OTLP export only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (protocol, headers,
/// intervals from the standard <c>OTEL_*</c> variables). The web parts — ASP.NET Core instrumentation and the
/// Prometheus exporter behind <c>/metrics</c> — are each process's own (ApiTelemetry, SiloTelemetry).
/// </summary>
public static class TurtleTelemetry
{
    public const string OrleansMeterName = "Microsoft.Orleans";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static OpenTelemetryBuilder AddTurtleTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName,
        string? serviceInstanceId = null)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: serviceInstanceId))
            .WithMetrics(metrics => metrics
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OrleansMeterName, TurtleMetrics.MeterName))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TurtleRootSampler()))
                .AddHttpClientInstrumentation()
                .AddSource(ActivitySources.AllActivitySourceName));
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
        {
            telemetry.UseOtlpExporter();
        }
        return telemetry;
    }

    /// <summary>Health probes and scrapes, every few seconds, would bury the webhooks' traces.</summary>
    public static bool IsTracedPath(string path) =>
        !path.StartsWith("/health", StringComparison.OrdinalIgnoreCase) && !path.StartsWith("/metrics", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Which traces start at all: an HTTP request (a webhook, an admin call) or a reminder tick (a message falling due);
/// a span inside one follows its parent's decision. Everything else a silo does on its own — the dashboard's statistics
/// polls, grain timers, membership and storage housekeeping, several hundred root spans a minute on an idle silo — is
/// counted by the metrics and not traced.
/// </summary>
public sealed class TurtleRootSampler : Sampler
{
    /// <summary>The operation name ASP.NET Core starts each request's activity with.</summary>
    public const string HttpRequestIn = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    public TurtleRootSampler() => Description = nameof(TurtleRootSampler);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var name = samplingParameters.Name;
        var kept = (samplingParameters.Kind == ActivityKind.Server && name == HttpRequestIn)
            || name.EndsWith("/ReceiveReminder", StringComparison.Ordinal);
        return new SamplingResult(kept ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
    }
}
