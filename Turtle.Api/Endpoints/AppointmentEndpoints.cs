using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Appointments;
using Turtle.Grains.Appointments;

namespace Turtle.Api.Endpoints;

public static class AppointmentEndpoints
{
    public static RouteGroupBuilder MapAppointmentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup("/api/appointments", "Appointments");
        group.MapGet("/", ListAppointments)
            .WithSummary("Bookings whose meeting starts in [from, to), with their notification states (window up to 31 days).");
        group.MapGet("/{id}", GetAppointment)
            .WithSummary("One booking with every notification and its delivery state.");
        return group;
    }

    public static async Task<Results<Ok<AppointmentView>, NotFound, ProblemHttpResult>> GetAppointment(string id, AppointmentQueries queries)
    {
        if (!InviteeId.IsValid(id))
        {
            return TypedResults.Problem(
                "The id must be a Calendly invitee UUID.", statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["id"] = ["not an invitee UUID"] } });
        }
        var view = await queries.GetAsync(id);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }

    public static readonly TimeSpan MaxWindow = AppointmentQueries.MaxWindow;

    public static async Task<Results<Ok<IReadOnlyList<AppointmentView>>, ValidationProblem>> ListAppointments(string? from, string? to, AppointmentQueries queries)
    {
        var errors = new Dictionary<string, string[]>();
        var start = ParseTime(from, "from", errors);
        var end = ParseTime(to, "to", errors);
        if (errors.Count == 0 && end <= start)
        {
            errors["to"] = ["must be after from"];
        }
        else if (errors.Count == 0 && end - start > MaxWindow)
        {
            errors["to"] = [$"the window may span at most {MaxWindow.TotalDays:0} days"];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await queries.ListAsync(start, end));
    }

    private static DateTimeOffset ParseTime(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["required (ISO 8601, e.g. 2026-11-25T00:00:00Z)"];
            return default;
        }
        if (!DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
        {
            errors[field] = ["not an ISO 8601 time"];
        }
        return parsed;
    }
}
