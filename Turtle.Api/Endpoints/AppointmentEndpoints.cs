using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Grains.Appointments;

namespace Turtle.Api.Endpoints;

public static partial class AppointmentEndpoints
{
    public static RouteGroupBuilder MapAppointmentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup("/api/appointments", "Appointments");
        group.MapGet("/{id}", GetAppointment)
            .WithSummary("One booking with every notification and its delivery state.");
        return group;
    }

    public static async Task<Results<Ok<AppointmentView>, NotFound, ProblemHttpResult>> GetAppointment(string id, IClusterClient cluster)
    {
        if (!InviteeIdPattern().IsMatch(id))
        {
            return TypedResults.Problem(
                "The id must be a Calendly invitee UUID.", statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["id"] = ["not an invitee UUID"] } });
        }
        var view = await cluster.GetGrain<IAppointmentGrain>(id.ToLowerInvariant()).GetAsync();
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex InviteeIdPattern();
}
