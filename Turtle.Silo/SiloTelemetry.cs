using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Turtle.Grains.Telemetry;

namespace Turtle.Silo;

/// <summary>
/// A silo's telemetry (SPEC §10): <see cref="TurtleTelemetry"/> plus ASP.NET Core metrics and traces of its web host,
/// and Prometheus text at <c>/metrics</c> on <c>Orleans:DashboardPort</c> (mapped in Program.cs).
/// </summary>
public static class SiloTelemetry
{
    public const string ServiceName = "turtle-silo";

    public static WebApplicationBuilder AddSiloTelemetry(this WebApplicationBuilder builder)
    {
        // Grain calls continue the caller's trace: webhook (API) → grain → Graph request is one trace.
        builder.UseOrleans(silo => silo.AddActivityPropagation());
        // In a pod the instance is the pod; elsewhere OpenTelemetry makes up an id.
        builder.Services.AddTurtleTelemetry(builder.Configuration, ServiceName, Environment.GetEnvironmentVariable("POD_NAME"))
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter())
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => TurtleTelemetry.IsTracedPath(context.Request.Path)));
        return builder;
    }
}
