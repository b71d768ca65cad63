using Orleans.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Turtle.Grains.Telemetry;

namespace Turtle.Api;

/// <summary>
/// OpenTelemetry for the API (SPEC §10): ASP.NET Core, HttpClient, runtime and Orleans client metrics and traces, and
/// the <c>Turtle</c> meter; Prometheus text at <c>/metrics</c> on the API's port; OTLP only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (protocol and the rest from the standard <c>OTEL_*</c> variables).
/// </summary>
public static class ApiTelemetry
{
    public const string ServiceName = "turtle-api";

    public static WebApplicationBuilder AddApiTelemetry(this WebApplicationBuilder builder)
    {
        // The grain call carries the webhook's trace context to the silo (W3C traceparent in the request context).
        builder.UseOrleansClient(client => client.AddActivityPropagation());
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans", TurtleMetrics.MeterName)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => IsTraced(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(ActivitySources.AllActivitySourceName));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Probes and scrapes, every few seconds, would bury the webhooks' traces.</summary>
    private static bool IsTraced(PathString path) =>
        !path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) && !path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
}
