using System.Security.Claims;
using Turtle.Api.Access;
using Turtle.Api.Audit;
using Turtle.Api.OperationsConsole.Attention;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole.Actions;

/// <summary>The console's actions on the grains, each allowed to an operator (or admin) only.</summary>
public sealed class ClusterConsoleActions(IClusterClient cluster, StaffAudit audit, Clients.ClientDirectory clients) : IConsoleActions
{
    public async Task<ConsoleActionResult> RetryMessageAsync(ClaimsPrincipal by, string appointmentId, NotificationKind kind)
    {
        if (await RefuseAsync(by, StaffActions.Retry, appointmentId, kind.ToString()) is { } refused)
        {
            return refused;
        }
        await audit.RecordOnBookingAsync(by, StaffActions.Retry, appointmentId, kind.ToString());
        var message = Words.Sentence(kind.ToString()).ToLowerInvariant();
        var result = await cluster.GetGrain<IAppointmentGrain>(InviteeId.Normalize(appointmentId)).RetryNotificationAsync(kind, BookingSources.Console);
        return result.Outcome switch
        {
            RetryOutcome.Retried => new ConsoleActionResult(ConsoleActionOutcome.Done, result.Notification?.State switch
            {
                NotificationState.Sent => $"The {message} was sent again.",
                NotificationState.Failed => $"The {message} was sent again and failed again: {result.Notification.LastError}",
                _ => $"The {message} will be sent again in a moment.",
            }),
            RetryOutcome.NotFound => new ConsoleActionResult(ConsoleActionOutcome.NotFound, "No such booking."),
            _ => new ConsoleActionResult(ConsoleActionOutcome.Refused, $"The {message} was not sent again: {result.Reason}."),
        };
    }

    public async Task<ConsoleActionResult> MarkHandledAsync(ClaimsPrincipal by, string appointmentId, string reason)
    {
        if (await RefuseAsync(by, StaffActions.MarkHandled, appointmentId, reason) is { } refused)
        {
            return refused;
        }
        await audit.RecordOnBookingAsync(by, StaffActions.MarkHandled, appointmentId, reason);
        await cluster.GetGrain<IAttentionGrain>(0).ClearAsync(InviteeId.Normalize(appointmentId), reason);
        return new ConsoleActionResult(ConsoleActionOutcome.Done, $"Marked handled: {AttentionReasons.Find(reason).Label.ToLowerInvariant()}.");
    }

    public async Task<(ConsoleActionResult Result, AdvisorDirectorySnapshot? Directory)> RefreshAdvisorsAsync(ClaimsPrincipal by)
    {
        if (await RefuseAsync(by, StaffActions.RefreshAdvisors, null, null) is { } refused)
        {
            return (refused, null);
        }
        await audit.RecordAsync(by, StaffActions.RefreshAdvisors);
        var directory = await cluster.GetGrain<IAdvisorDirectoryGrain>(0).RefreshAsync();
        return (new ConsoleActionResult(ConsoleActionOutcome.Done, directory.LastError ?? "Reloaded."), directory);
    }

    public async Task<(ConsoleActionResult Result, string? Phone)> RevealPhoneAsync(ClaimsPrincipal by, string appointmentId)
    {
        if (await RefuseAsync(by, StaffActions.RevealPhone, appointmentId, null) is { } refused)
        {
            return (refused, null);
        }
        var phone = await cluster.GetGrain<IAppointmentGrain>(InviteeId.Normalize(appointmentId)).RevealPhoneAsync();
        if (phone is not null)
        {
            // Recorded before the number is shown: a reveal the audit could not record does not happen.
            await audit.RecordAsync(by, StaffActions.RevealPhone, InviteeId.Normalize(appointmentId), phone);
        }
        return phone is null
            ? (new ConsoleActionResult(ConsoleActionOutcome.NotFound, "This booking has no phone number."), null)
            : (new ConsoleActionResult(ConsoleActionOutcome.Done, "The full number is shown; seeing it is recorded in the audit."), phone);
    }

    public async Task<ConsoleActionResult> EraseClientAsync(ClaimsPrincipal by, string phone)
    {
        if (await RefuseAsync(by, StaffActions.Erase, null, Clients.ErasureResponse.AuditDetail(phone), StaffRole.Admin) is { } refused)
        {
            return refused;
        }
        var result = await Clients.ClientErasures.EraseAsync(clients, audit, by, phone, CancellationToken.None);
        if (!result.Found)
        {
            return new ConsoleActionResult(ConsoleActionOutcome.NotFound, "Turtle knows no client with this number.");
        }
        var record = result.RecordKept
            ? $"The record's {result.RecordEntries:#,0} entries are kept for the regulator, the erasure added to them."
            : $"The record's {result.RecordEntries:#,0} entries were deleted.";
        return new ConsoleActionResult(ConsoleActionOutcome.Done,
            $"The client's personal data was erased from {Words.Count(result.Bookings, "booking")}{(result.OptedOut ? "; the number stays opted out" : "")}. {record}");
    }

    /// <summary>
    /// Null when <paramref name="by"/> may act; else the refusal, recorded in the audit as well: someone trying what
    /// their role does not allow is worth knowing about.
    /// </summary>
    private async Task<ConsoleActionResult?> RefuseAsync(ClaimsPrincipal by, string action, string? appointmentId, string? detail, StaffRole needed = StaffRole.Operator)
    {
        if (by.Holds(needed))
        {
            return null;
        }
        var what = string.Join(" ", new[] { action, detail }.Where(w => !string.IsNullOrEmpty(w))) + $", which needs the {needed.Name()} role";
        if (appointmentId is not null && InviteeId.IsValid(appointmentId))
        {
            await audit.RecordOnBookingAsync(by, StaffActions.Refused, appointmentId, what);
        }
        else
        {
            await audit.RecordAsync(by, StaffActions.Refused, detail: what);
        }
        return new ConsoleActionResult(ConsoleActionOutcome.Forbidden, $"This needs the {needed.Name()} role; yours is " + (StaffPrincipal.RoleOf(by)?.Name() ?? "none") + ".");
    }
}
