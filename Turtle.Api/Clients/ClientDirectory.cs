using System.Security.Claims;
using Turtle.Api.Access;
using Turtle.Api.Audit;
using Turtle.Api.Records;
using Turtle.Grains;
using Turtle.Grains.Appointments;
using Turtle.Grains.Clients;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;

namespace Turtle.Api.Clients;

/// <summary>One client as the console's client page shows them: their bookings, newest first, and their record.</summary>
public sealed record ClientFile(string Phone, IReadOnlyList<AppointmentView> Bookings, IReadOnlyList<RecordEntry> Record, bool OptedOut)
{
    /// <summary>The name the newest booking gives, or null (none, or erased).</summary>
    public string? Name => Bookings.Select(b => b.ClientName).FirstOrDefault(n => !string.IsNullOrEmpty(n));

    public bool Known => Bookings.Count > 0 || Record.Count > 0 || OptedOut;
}

/// <summary>A client a search found: by number (all their bookings), or by name or e-mail on a booking of the search window.</summary>
public sealed record ClientMatch(string? Phone, string? Name, string? Email, IReadOnlyList<string> Bookings, DateTimeOffset? LatestMeeting);

/// <summary>
/// Clients as the API, the console and the command line see them: a client's file, the console's search, and erasure.
/// A client is their number: their bookings are those the record and the day index name (the recipient grain unites
/// them), never found by reading every booking.
/// </summary>
public sealed class ClientDirectory(IClusterClient cluster, PhoneNumberNormalizer phones, TimeProvider time)
{
    /// <summary>
    /// How far from today a search by name or e-mail looks, by meeting day: the day index's shards of those days are asked
    /// (16 a day, each answering from memory). A search by number finds every booking, however old.
    /// </summary>
    public static readonly TimeSpan SearchBack = TimeSpan.FromDays(92);
    public static readonly TimeSpan SearchAhead = TimeSpan.FromDays(92);

    /// <summary>At most this many bookings a search answers.</summary>
    public const int MaxMatches = 50;

    /// <summary>Shortest text a search by name or e-mail takes.</summary>
    public const int MinSearch = 2;

    /// <summary>The number as the console takes it (E.164, or as typed in the firm's default region), or null.</summary>
    public string? Number(string? text) => phones.Normalize(text);

    /// <summary>The number of a booking's client, or null (no such booking, no number, or erased).</summary>
    public Task<string?> PhoneOfBookingAsync(string appointmentId) =>
        InviteeId.IsValid(appointmentId) ? cluster.GetGrain<IAppointmentGrain>(InviteeId.Normalize(appointmentId)).RevealPhoneAsync() : Task.FromResult<string?>(null);

    public async Task<ClientFile> GetAsync(string phone)
    {
        var recipient = cluster.GetGrain<IRecipientGrain>(phone);
        var ids = await recipient.AllBookingsAsync();
        var views = await Task.WhenAll(ids.Select(id => cluster.GetGrain<IAppointmentGrain>(id).GetAsync()));
        var record = await cluster.GetGrain<IClientRecordGrain>(phone).ReadAsync(null, null);
        var optedOut = await cluster.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(phone)).ContainsAsync(phone);
        var bookings = views.OfType<AppointmentView>().OrderByDescending(v => v.StartTime).ToList();
        return new ClientFile(phone, bookings, record, optedOut);
    }

    /// <summary>Clients whose number is <paramref name="text"/>, or whose name or e-mail contains it.</summary>
    public async Task<IReadOnlyList<ClientMatch>> SearchAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var query = text.Trim();
        if (Number(query) is { } phone)
        {
            var file = await GetAsync(phone);
            return file.Known
                ? [new ClientMatch(phone, file.Name, null, [.. file.Bookings.Select(b => b.Id)], file.Bookings.Count > 0 ? file.Bookings[0].StartTime : null)]
                : [];
        }
        if (query.Length < MinSearch)
        {
            return [];
        }
        var now = time.GetUtcNow();
        var found = await cluster.GetGrain<IAppointmentQueryGrain>(0).SearchClientsAsync(query, now - SearchBack, now + SearchAhead, MaxMatches);
        return [.. found
            .GroupBy(c => c.Phone ?? "booking:" + c.AppointmentId, StringComparer.Ordinal)
            .Select(g => new ClientMatch(g.First().Phone, g.First().Name, g.Select(c => c.Email).FirstOrDefault(e => e is not null),
                [.. g.Select(c => c.AppointmentId)], g.Max(c => c.Start)))
            .OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Erases the client of <paramref name="phone"/> (SPEC §13); <see cref="ErasureResult.Found"/> false changed nothing.</summary>
    public Task<ErasureResult> EraseAsync(string phone, string by) =>
        cluster.GetGrain<IClientErasureGrain>(ClientHash.Of(phone)).EraseAsync(phone, by);

    /// <summary>The number of an erase request, or the problem with it, keyed <c>phone</c>.</summary>
    public static (string? Phone, Dictionary<string, string[]> Errors) ParsePhone(string? phone)
    {
        var (request, errors) = RecordRequest.Parse(phone, null, null);
        return (request?.Phone, errors);
    }
}

/// <summary>What <c>POST /api/clients/{phone}/erase</c> answers: the number masked, what was erased, what became of the record.</summary>
public sealed record ErasureResponse(string Client, int Bookings, bool OptedOut, string Record, int RecordEntries, DateTimeOffset? ErasedAt)
{
    public const string Kept = "kept";
    public const string Deleted = "deleted";

    public static ErasureResponse From(string phone, ErasureResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(PhoneMask.Mask(phone), result.Bookings, result.OptedOut, result.RecordKept ? Kept : Deleted, result.RecordEntries, result.ErasedAt);
    }

    /// <summary>The audit names the erased client by their number's hash: the audit must not keep what was erased.</summary>
    public static string AuditDetail(string phone) => $"client sha256:{ClientHash.Of(phone)}";
}

/// <summary>The erase action, audited, shared by the API route and the console's button.</summary>
public static class ClientErasures
{
    public static async Task<ErasureResult> EraseAsync(ClientDirectory clients, StaffAudit audit, ClaimsPrincipal by, string phone, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(audit);
        // Written before the action, as every staff action is; an attempt on an unknown number is worth knowing too.
        await audit.RecordAsync(by, StaffActions.Erase, detail: ErasureResponse.AuditDetail(phone), cancellation: cancellation);
        return await clients.EraseAsync(phone, StaffPrincipal.NameOf(by));
    }
}
