using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Turtle.Grains;
using Turtle.Grains.Hosting;
using Turtle.Grains.Messaging;

namespace Turtle.Silo;

/// <summary>
/// The silo's probes on its web host (<c>Orleans:DashboardPort</c>). Live: the process serves HTTP (no grain or storage
/// call, so a slow storage account never gets silos restarted). Ready: this silo is an active member of the cluster and
/// not shutting down (a rolling update waits for it; SIGTERM makes it unready at once), and storage answers. A WhatsApp
/// account Meta refused (token, permission, lock, billing) is reported there as degraded, with the reason, not as unready: the silo still stores bookings
/// and keeps their messages (held), and taking every silo out of service would help no one.
/// </summary>
public static class SiloHealth
{
    public static IServiceCollection AddSiloHealth(this IServiceCollection services, IConfiguration configuration)
    {
        var tables = TurtleStorage.TableService(TurtleCluster.StorageConnectionString(configuration));
        services.AddHealthChecks()
            .AddCheck<MembershipHealthCheck>("membership", tags: ["ready"])
            .AddCheck("storage", new StorageHealthCheck(tables), tags: ["ready"])
            .AddCheck<WhatsAppAccountHealthCheck>("whatsapp-account", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteAsync });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }

    private sealed class MembershipHealthCheck(ILocalSiloDetails silo, IClusterMembershipService membership, IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("The silo is shutting down."));
            }
            var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
            return Task.FromResult(status == SiloStatus.Active
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The silo is {status} in the cluster, not Active."));
        }
    }

    private sealed class StorageHealthCheck(TableServiceClient tables) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await tables.GetPropertiesAsync(timeout.Token);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("Storage unreachable: " + e.GetType().Name);
            }
        }
    }

    private sealed class WhatsAppAccountHealthCheck(AccessTokenStatus token) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(token.Problem is { } problem ? HealthCheckResult.Degraded(problem) : HealthCheckResult.Healthy());
    }
}
