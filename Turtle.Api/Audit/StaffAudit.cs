using System.Globalization;
using System.Security.Claims;
using Azure;
using Azure.Data.Tables;
using Turtle.Api.Access;
using Turtle.Grains.Appointments;
using Turtle.Grains.Hosting;

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

    /// <summary>An action tried by someone whose role does not allow it (the detail says which).</summary>
    public const string Refused = "refused";
}

/// <summary>One staff action: who (a person's name and e-mail, or a key's name), what, when, and the client it touched.</summary>
public sealed record AuditEntry(
    DateTimeOffset At, string Actor, string ActorKind, string Action, string? AppointmentId, string? ClientPhone, string? Detail);

/// <summary>
/// The audit of staff actions, in the Azure Storage account Turtle keeps everything in (table <c>TurtleAudit</c>). An
/// entry is written before the action is done and never changed: an action whose entry cannot be written is not done.
/// The firm's record of every conversation (SPEC §13) is not built yet; each entry already has the shape of one of its
/// <c>staff</c> entries (time, direction, kind, actor, the client's phone), so the record can take these in when it comes.
/// Entries are partitioned by service and day (<c>{serviceId}|yyyyMMdd</c>), rows ordered by time within a day.
/// </summary>
public sealed class StaffAudit(TableServiceClient tables, IConfiguration configuration, TimeProvider time)
{
    public const string TableName = "TurtleAudit";
    public const string Direction = "staff";

    private readonly string _serviceId = configuration["Orleans:ServiceId"] ?? TurtleCluster.DefaultServiceId;
    private Task<TableClient>? _table;

    public async Task RecordAsync(ClaimsPrincipal who, string action, string? appointmentId = null, string? clientPhone = null, string? detail = null,
        CancellationToken cancellation = default)
    {
        var at = time.GetUtcNow();
        var entity = new TableEntity(Partition(at), $"{at.UtcTicks:D19}-{Guid.NewGuid():N}")
        {
            ["At"] = at,
            ["Direction"] = Direction,
            ["Kind"] = action,
            ["Actor"] = StaffPrincipal.NameOf(who),
            ["ActorKind"] = who.FindFirst(StaffPrincipal.KindClaim)?.Value ?? StaffPrincipal.Person,
            ["Role"] = StaffPrincipal.RoleOf(who)?.Name(),
            ["AppointmentId"] = appointmentId,
            ["Phone"] = clientPhone,
            ["Detail"] = detail,
        };
        await (await TableAsync()).AddEntityAsync(entity, cancellation);
    }

    /// <summary>Records an action on one booking, with its client's number, so the entry names the client it touched.</summary>
    public async Task RecordOnBookingAsync(ClaimsPrincipal who, string action, IClusterClient cluster, string appointmentId, string? detail = null,
        CancellationToken cancellation = default)
    {
        var phone = await cluster.GetGrain<IAppointmentGrain>(InviteeId.Normalize(appointmentId)).RevealPhoneAsync();
        await RecordAsync(who, action, InviteeId.Normalize(appointmentId), phone, detail, cancellation);
    }

    /// <summary>Entries from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellation = default)
    {
        var table = await TableAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Partition(from)} and PartitionKey le {Partition(to)} and RowKey ge {$"{from.UtcTicks:D19}"} and RowKey lt {$"{to.UtcTicks:D19}"}");
        var entries = new List<AuditEntry>();
        try
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellation))
            {
                entries.Add(new AuditEntry(
                    entity.GetDateTimeOffset("At") ?? default, entity.GetString("Actor") ?? "unknown", entity.GetString("ActorKind") ?? "",
                    entity.GetString("Kind") ?? "", entity.GetString("AppointmentId"), entity.GetString("Phone"), entity.GetString("Detail")));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No action was ever audited in this account.
        }
        return [.. entries.OrderBy(e => e.At)];
    }

    /// <summary>The table, created on first use; a failed creation (storage down) is tried again by the next call.</summary>
    private Task<TableClient> TableAsync()
    {
        var current = _table;
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            current = _table = CreateAsync();
        }
        return current;

        async Task<TableClient> CreateAsync()
        {
            var table = tables.GetTableClient(TableName);
            await table.CreateIfNotExistsAsync();
            return table;
        }
    }

    private string Partition(DateTimeOffset at) => $"{_serviceId}|{at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";
}
