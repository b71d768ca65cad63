using System.Security.Claims;
using Turtle.Api.Access;
using Turtle.Grains.Appointments;
using Turtle.Grains.Records;

namespace Turtle.Api.Audit;

/// <summary>What staff do that the audit records (SPEC §14), as the entries name it.</summary>
public static class StaffActions
{
    public const string SignIn = "sign-in";
    public const string SignInRefused = "sign-in-refused";
    public const string Retry = "retry";
    public const string MarkHandled = "mark-handled";
    public const string RefreshAdvisors = "refresh-advisors";
    public const string Reconcile = "reconcile";
    public const string RevealPhone = "reveal-phone";
    public const string Erase = "erase";
    /// <summary>A client's record read through <c>GET /api/records</c> (JSON or CSV): an export.</summary>
    public const string ExportRecord = "export";

    /// <summary>An action tried by someone whose role does not allow it (the detail says which).</summary>
    public const string Refused = "refused";
}

/// <summary>One staff action: who (a person's name and e-mail, or a key's name), what, when, and the client it touched.</summary>
public sealed record AuditEntry(
    DateTimeOffset At, string Actor, string ActorKind, string Action, string? AppointmentId, string? ClientPhone, string? Detail);

/// <summary>
/// The audit of staff actions (SPEC §14), kept as entries of the firm's record (SPEC §13, direction <c>staff</c>): an
/// action on a booking is appended to its client's chain, one touching no client (a sign-in, a reconciliation) to the
/// firm's own chain. The entry is appended, durably, before the action is done: an action whose entry cannot be
/// stored is not done, and one whose silo dies midway is still in the record.
/// </summary>
public sealed class StaffAudit(IClusterClient cluster, TimeProvider time)
{
    public async Task RecordAsync(ClaimsPrincipal who, string action, string? appointmentId = null, string? clientPhone = null, string? detail = null,
        CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var entry = new RecordEntry
        {
            Id = RecordEntryIds.Staff(Guid.NewGuid()),
            At = time.GetUtcNow(),
            Direction = RecordDirections.Staff,
            Kind = action,
            Text = detail,
            Actor = StaffPrincipal.NameOf(who),
            ActorKind = who.FindFirst(StaffPrincipal.KindClaim)?.Value ?? StaffPrincipal.Person,
            AppointmentId = appointmentId,
        };
        await cluster.GetGrain<IClientRecordGrain>(clientPhone ?? RecordTable.FirmKey).AppendAsync([entry]);
    }

    /// <summary>Records an action on one booking, with its client's number, so the entry names the client it touched.</summary>
    public async Task RecordOnBookingAsync(ClaimsPrincipal who, string action, string appointmentId, string? detail = null,
        CancellationToken cancellation = default)
    {
        var phone = await cluster.GetGrain<IAppointmentGrain>(InviteeId.Normalize(appointmentId)).RevealPhoneAsync();
        await RecordAsync(who, action, InviteeId.Normalize(appointmentId), phone, detail, cancellation);
    }

    /// <summary>Entries from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var entries = await cluster.GetGrain<IRecordAuditGrain>(0).ListAsync(from, to);
        return [.. entries.Select(e => new AuditEntry(
            e.Entry.At, e.Entry.Actor ?? "unknown", e.Entry.ActorKind ?? "", e.Entry.Kind, e.Entry.AppointmentId, e.Client, e.Entry.Text))];
    }
}
