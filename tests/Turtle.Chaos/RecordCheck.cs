using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>One of the client's record entries as <c>GET /api/records</c> shows it, as far as the check needs it.</summary>
public sealed record RecordedItem(string Direction, string Kind, string? MessageId, string? Status);

/// <summary>A message Meta accepted whose record entry is not there once.</summary>
public sealed record RecordFinding(string Callback, string MessageId, string What);

/// <summary>How the messages Meta accepted for clients were found in their record (SPEC §13).</summary>
/// <param name="Checked">Messages to clients Meta accepted.</param>
/// <param name="InWindow">
/// Accepted while Turtle never heard Meta's answer nor, before the send timeout, its status: the record holds the attempt
/// (its content, marked unanswered) without Meta's id, and the message was sent again. The README's known window.
/// </param>
/// <param name="Missing">Accepted and absent from the record; any fails the run.</param>
/// <param name="Twice">Entered more than once; any fails the run.</param>
public sealed record RecordOutcome(int Checked, IReadOnlyList<RecordFinding> InWindow, IReadOnlyList<RecordFinding> Missing, IReadOnlyList<RecordFinding> Twice)
{
    public bool Passed => Missing.Count == 0 && Twice.Count == 0;
}

/// <summary>
/// The chaos run's check of the firm's record: every message to a client that Meta accepted has its entry, once, in that
/// client's record as the API reads it back. The advisor's notices are not the client's conversation and are not in it.
/// </summary>
public static class RecordCheck
{
    private static readonly HashSet<string> AdvisorKinds = new(["AdvisorBooked", "AdvisorCancelled", "AdvisorDeclined", "AdvisorAgenda"], StringComparer.Ordinal);

    /// <summary>The accepted messages a client's record must hold: callback data <c>invitee:Kind</c> of a client's kind.</summary>
    public static IEnumerable<FakeWhatsAppRequest> ToClients(IEnumerable<FakeWhatsAppRequest> accepted) =>
        accepted.Where(r => r is { MessageId: not null, To: not null } && KindOf(r.BizOpaqueCallbackData) is { } kind && !AdvisorKinds.Contains(kind));

    public static RecordOutcome Judge(IEnumerable<FakeWhatsAppRequest> accepted, IReadOnlyDictionary<string, IReadOnlyList<RecordedItem>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var (inWindow, missing, twice) = (new List<RecordFinding>(), new List<RecordFinding>(), new List<RecordFinding>());
        var requests = ToClients(accepted).ToList();
        foreach (var request in requests)
        {
            var items = records.GetValueOrDefault(Number(request.To!)) ?? [];
            var entries = items.Count(i => i.Direction == "out" && i.Kind != "status" && i.MessageId == request.MessageId);
            var callback = request.BizOpaqueCallbackData!;
            if (entries > 1)
            {
                twice.Add(new(callback, request.MessageId!, $"entered {entries} times"));
            }
            else if (entries == 0 && items.Any(i => i.Direction == "out" && i.Kind == KindOf(callback) && i.MessageId is null && i.Status == "unanswered"))
            {
                inWindow.Add(new(callback, request.MessageId!, "entered as an attempt Meta's answer never reached (no id): it was sent again"));
            }
            else if (entries == 0)
            {
                missing.Add(new(callback, request.MessageId!, "accepted by Meta, not in the client's record"));
            }
        }
        return new(requests.Count, inWindow, missing, twice);
    }

    /// <summary>Reads each client's record through <c>GET /api/records</c>, as a firm exporting it would.</summary>
    public static async Task<Dictionary<string, IReadOnlyList<RecordedItem>>> ReadAsync(HttpClient api, IEnumerable<FakeWhatsAppRequest> accepted)
    {
        ArgumentNullException.ThrowIfNull(api);
        var records = new Dictionary<string, IReadOnlyList<RecordedItem>>(StringComparer.Ordinal);
        foreach (var number in ToClients(accepted).Select(r => Number(r.To!)).Distinct())
        {
            var answer = await api.GetFromJsonAsync<JsonElement>(new Uri($"/api/records?phone={Uri.EscapeDataString(number)}", UriKind.Relative));
            records[number] = [.. answer.GetProperty("items").EnumerateArray().Select(i => new RecordedItem(
                i.GetProperty("direction").GetString() ?? "",
                i.GetProperty("kind").GetString() ?? "",
                i.GetProperty("messageId").GetString(),
                StatusWord(i.GetProperty("status").GetString())))];
        }
        return records;
    }

    private static string? KindOf(string? callback) =>
        callback is null || callback.StartsWith("agenda:", StringComparison.Ordinal) || callback.LastIndexOf(':') is var at && at < 0 ? null : callback[(at + 1)..];

    /// <summary>Meta's <c>to</c> is digits; the record's partition is the E.164 number.</summary>
    private static string Number(string to) => to.StartsWith('+') ? to : "+" + to;

    /// <summary>The status word alone (the API adds <c>(code: text)</c> to a refused or failed one).</summary>
    private static string? StatusWord(string? status) => status?.Split(' ', 2)[0].ToLower(CultureInfo.InvariantCulture);
}
