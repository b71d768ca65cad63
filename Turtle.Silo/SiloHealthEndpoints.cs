using Microsoft.AspNetCore.Http.HttpResults;

namespace Turtle.Silo;

/// <summary>
/// The silo's probes on its web host (<c>Orleans:DashboardPort</c>). Live: the process serves HTTP (no grain or storage
/// call, so a slow storage account never gets silos restarted). Ready: this silo is an active member of the cluster
/// and is not shutting down — a rolling update waits for it, and it reports not ready as soon as SIGTERM arrives.
/// </summary>
public static class SiloHealthEndpoints
{
    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok("live"));
        app.MapGet("/health/ready", Ready);
        return app;
    }

    public static Results<Ok<string>, ProblemHttpResult> Ready(ILocalSiloDetails silo, IClusterMembershipService membership, IHostApplicationLifetime lifetime)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return TypedResults.Problem("The silo is shutting down.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return status == SiloStatus.Active
            ? TypedResults.Ok("ready")
            : TypedResults.Problem($"The silo is {status} in the cluster, not Active.", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
