using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Api.Audit;
using Turtle.Grains.Calendly;

namespace Turtle.Api.Endpoints;

public static class ReconcileEndpoints
{
    public static RouteGroupBuilder MapReconcileEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/reconcile", "Reconciliation");
        group.MapPost("/", Reconcile)
            .RequireRole(StaffRole.Operator)
            .WithSummary("Reconciles with Calendly now (or joins the run in progress) and answers its result: events, invitees, created, cancelled, unchanged, errors.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>
    /// 200 with the result, also when some invitees could not be reconciled (they are in <c>errors</c>); 502 when
    /// Calendly could not be read to the end; 409 when the silos have no <c>Calendly:ApiToken</c>.
    /// </summary>
    public static async Task<Results<Ok<ReconcileResult>, ProblemHttpResult>> Reconcile(HttpContext context, IClusterClient cluster, StaffAudit audit)
    {
        await audit.RecordAsync(context.User, StaffActions.Reconcile, cancellation: context.RequestAborted);
        ReconcileResult result;
        try
        {
            result = await cluster.ReconcileAsync(context.RequestAborted);
        }
        catch (Exception e) when (ClusterConnection.IsUnavailability(e))
        {
            // A silo died mid-run, say: running again is safe, the bookings it made stay made.
            return ClusterConnection.RetryLater(context);
        }
        return result.Outcome switch
        {
            ReconcileRunOutcome.NotConfigured => TypedResults.Problem(
                string.Join(" ", result.Errors), title: "Reconciliation is not configured.", statusCode: StatusCodes.Status409Conflict),
            _ when result.Partial => TypedResults.Problem(
                string.Join(" ", result.Errors.Take(3)), title: "Calendly could not be read to the end; what was read is reconciled.",
                statusCode: StatusCodes.Status502BadGateway, extensions: new Dictionary<string, object?> { ["result"] = result }),
            _ => TypedResults.Ok(result),
        };
    }
}
