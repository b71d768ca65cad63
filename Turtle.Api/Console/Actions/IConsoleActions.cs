using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole.Actions;

/// <summary>What the console's buttons do. Every change an operator makes goes through here.</summary>
public interface IConsoleActions
{
    /// <summary>
    /// Sends a failed message of a booking again, once, before the meeting starts: the semantics of
    /// <c>POST /api/appointments/{id}/notifications/{kind}/retry</c> (SPEC §4), recorded in the booking's history
    /// as done by the console.
    /// </summary>
    Task<ConsoleActionResult> RetryMessageAsync(string appointmentId, NotificationKind kind);

    /// <summary>A person dealt with this reason of the booking: it leaves the attention list until it arises again.</summary>
    Task<ConsoleActionResult> MarkHandledAsync(string appointmentId, string reason);

    /// <summary>Reloads the advisor sheet now; the snapshot says whether it worked (<see cref="AdvisorDirectorySnapshot.LastError"/>).</summary>
    Task<AdvisorDirectorySnapshot> RefreshAdvisorsAsync();
}

public enum ConsoleActionOutcome
{
    Done,
    /// <summary>Refused by the rules (SPEC's 409: the message is not failed, or the meeting has started).</summary>
    Refused,
    NotFound,
}

public sealed record ConsoleActionResult(ConsoleActionOutcome Outcome, string Message)
{
    public bool Succeeded => Outcome == ConsoleActionOutcome.Done;
}
