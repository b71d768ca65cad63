using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Api.Audit;

namespace Turtle.Api.Clients;

/// <summary><c>POST /api/clients/{phone}/erase</c> (SPEC §13): a client's personal data removed, the record kept or deleted per <c>Records:KeepForRegulator</c>.</summary>
public static class ClientEndpoints
{
    public static RouteGroupBuilder MapClientEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/clients", "Clients");
        group.MapPost("/{phone}/erase", Erase)
            .RequireRole(StaffRole.Admin)
            .WithSummary("Erases a client's personal data from bookings, replies, recipient and opt-out state (an opt-out stays as a hash); the record is kept with the erasure appended, or deleted (Records:KeepForRegulator). Repeating it is safe.");
        return group;
    }

    public static async Task<Results<Ok<ErasureResponse>, ValidationProblem, ProblemHttpResult>> Erase(
        string phone, ClientDirectory clients, StaffAudit audit, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (number, errors) = ClientDirectory.ParsePhone(phone);
        if (number is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var result = await ClientErasures.EraseAsync(clients, audit, context.User, number, context.RequestAborted);
        return result.Found
            ? TypedResults.Ok(ErasureResponse.From(number, result))
            : TypedResults.Problem($"Turtle knows no client with the number {Grains.PhoneMask.Mask(number)}: no booking, record or opt-out.",
                title: "Unknown client", statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["phone"] = ["no client has this number"] } });
    }
}
