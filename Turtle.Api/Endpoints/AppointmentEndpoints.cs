using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Api.Appointments;
using Turtle.Api.Audit;
using Turtle.Grains.Appointments;

namespace Turtle.Api.Endpoints;

public static class AppointmentEndpoints
{
    public static RouteGroupBuilder MapAppointmentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/appointments", "Appointments");
        group.MapGet("/", ListAppointments)
            .WithSummary("Bookings whose meeting starts in [from, to), with their notification states (window up to 31 days).");
        group.MapGet("/{id}", GetAppointment)
            .WithSummary("One booking with every notification and its delivery state.");
        group.MapPost("/{id}/notifications/{kind}/retry", RetryNotification)
            .RequireRole(StaffRole.Operator)
            .WithSummary("Sends a failed message again, once, before the meeting starts; 409 when it is not failed or the meeting has started.");
        return group;
    }

    public static async Task<Results<Ok<AppointmentView>, NotFound, ProblemHttpResult>> GetAppointment(string id, AppointmentQueries queries)
    {
        if (!InviteeId.IsValid(id))
        {
            return BadId();
        }
        var view = await queries.GetAsync(id);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }

    /// <summary>SPEC §4: the failed message goes out again through the booking's own send path, recorded as asked by the console.</summary>
    public static async Task<Results<Ok<NotificationView>, ProblemHttpResult>> RetryNotification(string id, string kind, IClusterClient cluster, StaffAudit audit, HttpContext context)
    {
        if (!InviteeId.IsValid(id))
        {
            return BadId();
        }
        // Names only (any case), never numbers: the route says which message, as GET /api/appointments/{id} names it.
        if (kind.Length == 0 || !char.IsLetter(kind[0]) || !Enum.TryParse<NotificationKind>(kind, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            return Invalid("kind", $"not a message kind (one of {string.Join(", ", Enum.GetNames<NotificationKind>())})");
        }
        // The caller is known once the access filter has run, after binding: read from the context, not bound.
        await audit.RecordOnBookingAsync(context.User, StaffActions.Retry, id, parsed.ToString(), context.RequestAborted);
        var result = await cluster.GetGrain<IAppointmentGrain>(InviteeId.Normalize(id)).RetryNotificationAsync(parsed, BookingSources.Console);
        return result.Outcome switch
        {
            RetryOutcome.Retried => TypedResults.Ok(result.Notification!),
            RetryOutcome.NotFound => TypedResults.Problem($"No booking is stored under {id}.", statusCode: StatusCodes.Status404NotFound),
            _ => TypedResults.Problem(
                $"The {parsed} message was not sent again: {result.Reason}.", statusCode: StatusCodes.Status409Conflict,
                title: "The message cannot be sent again", extensions: new Dictionary<string, object?> { ["outcome"] = result.Outcome }),
        };
    }

    public static readonly TimeSpan MaxWindow = AppointmentQueries.MaxWindow;

    public static async Task<Results<Ok<IReadOnlyList<AppointmentView>>, ValidationProblem>> ListAppointments(string? from, string? to, AppointmentQueries queries)
    {
        var errors = new Dictionary<string, string[]>();
        var start = ParseTime(from, "from", errors);
        var end = ParseTime(to, "to", errors);
        QueryWindow.Check(start, end, MaxWindow, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await queries.ListAsync(start, end));
    }

    private static ProblemHttpResult BadId() => Invalid("id", "not an invitee UUID", "The id must be a Calendly invitee UUID.");

    private static ProblemHttpResult Invalid(string field, string error, string? detail = null) => TypedResults.Problem(
        detail ?? $"{field}: {error}.", statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [error] } });

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
