using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Grains.Appointments;

namespace Turtle.Api.Endpoints;

/// <summary><c>GET /api/attention</c>: every entry is <c>{ appointmentId, reason, since, client, meetingTime, detail }</c>, and <c>kind</c> for a failed message.</summary>
public sealed record AttentionResponse(IReadOnlyList<AttentionEntry> Items);

public static class AttentionEndpoints
{
    public static RouteGroupBuilder MapAttentionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/attention", "Attention");
        group.MapGet("/", ListAttention)
            .WithSummary("Bookings that need a person, newest first: no phone, no advisor, a failed message, opted out, declined, no-show, a client reply, an advisor without a phone.");
        return group;
    }

    /// <summary>From the list the bookings keep themselves (one grain), never a scan of the bookings.</summary>
    public static async Task<Ok<AttentionResponse>> ListAttention(IClusterClient cluster) =>
        TypedResults.Ok(new AttentionResponse(await cluster.GetGrain<IAttentionGrain>(0).ListAsync()));
}
