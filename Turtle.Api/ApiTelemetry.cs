using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Turtle.Grains.Telemetry;

namespace Turtle.Api;

/// <summary>
/// The API's telemetry (SPEC §10): <see cref="TurtleTelemetry"/> plus ASP.NET Core metrics and traces, and Prometheus
/// text at <c>/metrics</c> on the API's own port (mapped in Program.cs).
/// </summary>
public static class ApiTelemetry
{
    public const string ServiceName = "turtle-api";

    public static WebApplicationBuilder AddApiTelemetry(this WebApplicationBuilder builder)
    {
        // The grain call carries the webhook's trace context to the silo (W3C traceparent in the request context).
        builder.UseOrleansClient(client => client.AddActivityPropagation());
        builder.Services.AddTurtleTelemetry(builder.Configuration, ServiceName)
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter())
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => TurtleTelemetry.IsTracedPath(context.Request.Path)));
        return builder;
    }
}
