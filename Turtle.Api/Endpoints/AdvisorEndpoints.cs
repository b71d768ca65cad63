using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Api.Audit;
using Turtle.Grains.Advisors;

namespace Turtle.Api.Endpoints;

public static class AdvisorEndpoints
{
    public static RouteGroupBuilder MapAdvisorEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/advisors", "Advisors");
        group.MapGet("/", GetDirectory)
            .WithSummary("The advisor directory as cached: advisors, rejected rows and why, source, last refresh, last error.");
        group.MapPost("/refresh", Refresh)
            .RequireRole(StaffRole.Operator)
            .WithSummary("Reloads the advisor sheet now and answers with the result.");
        return group;
    }

    public static async Task<Ok<AdvisorDirectorySnapshot>> GetDirectory(IClusterClient cluster) =>
        TypedResults.Ok(await cluster.GetGrain<IAdvisorDirectoryGrain>(0).GetSnapshotAsync());

    public static async Task<Results<Ok<AdvisorDirectorySnapshot>, ProblemHttpResult>> Refresh(IClusterClient cluster, StaffAudit audit, HttpContext context)
    {
        await audit.RecordAsync(context.User, StaffActions.RefreshAdvisors, cancellation: context.RequestAborted);
        var directory = await cluster.GetGrain<IAdvisorDirectoryGrain>(0).RefreshAsync();
        if (directory.LastError is { } error)
        {
            // The reload failed but the last good copy is still in service: say both.
            return TypedResults.Problem(
                error,
                title: "The advisor sheet could not be reloaded; the last good copy is still served.",
                statusCode: StatusCodes.Status502BadGateway,
                extensions: new Dictionary<string, object?> { ["directory"] = directory });
        }
        return TypedResults.Ok(directory);
    }
}
