using Orleans.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Turtle.Grains.Telemetry;

namespace Turtle.Silo;

/// <summary>
/// OpenTelemetry for a silo (SPEC §10): ASP.NET Core (the dashboard's web host), HttpClient (WhatsApp, Sheets, storage),
/// runtime and Orleans metrics and traces, and the <c>Turtle</c> meter; Prometheus text at <c>/metrics</c> on
/// <c>Orleans:DashboardPort</c>; OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class SiloTelemetry
{
    public const string ServiceName = "turtle-silo";

    public static WebApplicationBuilder AddSiloTelemetry(this WebApplicationBuilder builder)
    {
        // Grain calls continue the caller's trace: webhook (API) → grain → Graph request is one trace.
        builder.UseOrleans(silo => silo.AddActivityPropagation());
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: Environment.GetEnvironmentVariable("POD_NAME")))
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

    private static bool IsTraced(PathString path) =>
        !path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) && !path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
}
