using System.Security.Claims;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole.Actions;

/// <summary>
/// What the console's buttons do. Every change a person makes goes through here, which checks their role (SPEC §14:
/// every action needs <c>operator</c>) whatever the page showed them.
/// </summary>
public interface IConsoleActions
{
    /// <summary>
    /// Sends a failed message of a booking again, once, before the meeting starts: the semantics of
    /// <c>POST /api/appointments/{id}/notifications/{kind}/retry</c> (SPEC §4), recorded in the booking's history
    /// as done by the console.
    /// </summary>
    Task<ConsoleActionResult> RetryMessageAsync(ClaimsPrincipal by, string appointmentId, NotificationKind kind);

    /// <summary>A person dealt with this reason of the booking: it leaves the attention list until it arises again.</summary>
    Task<ConsoleActionResult> MarkHandledAsync(ClaimsPrincipal by, string appointmentId, string reason);

    /// <summary>Reloads the advisor sheet now; the snapshot says whether it worked (<see cref="AdvisorDirectorySnapshot.LastError"/>).</summary>
    Task<(ConsoleActionResult Result, AdvisorDirectorySnapshot? Directory)> RefreshAdvisorsAsync(ClaimsPrincipal by);

    /// <summary>The client's full phone number of one booking, for the person who asked to see it.</summary>
    Task<(ConsoleActionResult Result, string? Phone)> RevealPhoneAsync(ClaimsPrincipal by, string appointmentId);

    /// <summary>Erases the client of <paramref name="phone"/> (SPEC §13, <c>POST /api/clients/{phone}/erase</c>): an admin's action.</summary>
    Task<ConsoleActionResult> EraseClientAsync(ClaimsPrincipal by, string phone);
}

public enum ConsoleActionOutcome
{
    Done,
    /// <summary>Refused by the rules (SPEC's 409: the message is not failed, or the meeting has started).</summary>
    Refused,
    NotFound,
    /// <summary>The person's role does not include the action's.</summary>
    Forbidden,
}

public sealed record ConsoleActionResult(ConsoleActionOutcome Outcome, string Message)
{
    public bool Succeeded => Outcome == ConsoleActionOutcome.Done;

    /// <summary>Sets 403 on a refusal for want of a role, so the page's answer says what a script's would.</summary>
    public ConsoleActionResult AnsweredOn(HttpResponse response)
    {
        if (Outcome == ConsoleActionOutcome.Forbidden)
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
        }
        return this;
    }
}
