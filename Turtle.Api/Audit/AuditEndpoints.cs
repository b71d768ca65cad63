using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Api.Endpoints;
using Turtle.Grains;

namespace Turtle.Api.Audit;

/// <summary><c>GET /api/audit</c>: <c>{ items: [{ at, actor, actorKind, action, appointmentId, client, detail }] }</c>, oldest first.</summary>
public sealed record AuditResponse(IReadOnlyList<AuditItem> Items);

/// <summary>An entry as the API and the console show it: the client's phone masked.</summary>
public sealed record AuditItem(DateTimeOffset At, string Actor, string ActorKind, string Action, string? AppointmentId, string? Client, string? Detail)
{
    public static AuditItem From(AuditEntry entry) => new(
        entry.At, entry.Actor, entry.ActorKind, entry.Action, entry.AppointmentId,
        entry.ClientPhone is null ? null : PhoneMask.Mask(entry.ClientPhone), entry.Detail);
}

public static class AuditEndpoints
{
    /// <summary>The longest window one call reads.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);

    public static RouteGroupBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/audit", "Audit");
        group.MapGet("/", ListAudit)
            .RequireRole(StaffRole.Admin)
            .WithSummary("Staff actions in [from, to) (default: the last 7 days), oldest first: who, what, when, which booking and client.");
        return group;
    }

    public static async Task<Results<Ok<AuditResponse>, ValidationProblem>> ListAudit(string? from, string? to, StaffAudit audit, TimeProvider time, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        var end = Parse(to, "to", errors) ?? time.GetUtcNow();
        var start = Parse(from, "from", errors) ?? end - TimeSpan.FromDays(7);
        QueryWindow.Check(start, end, MaxWindow, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var entries = await audit.ListAsync(start, end, cancellation);
        return TypedResults.Ok(new AuditResponse([.. entries.Select(AuditItem.From)]));
    }

    private static DateTimeOffset? Parse(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }
        errors[field] = ["not an ISO 8601 time"];
        return null;
    }
}
