using System.Globalization;
using Turtle.Grains.Appointments;
using Turtle.Grains.Records;

namespace Turtle.Api.Webhooks;

/// <summary>
/// What a client sent, as entries of their record (SPEC §13): the message in, and the consent change a STOP or START
/// makes. Ids come from Meta's message id, so a redelivered webhook adds nothing.
/// </summary>
public static class InboundRecord
{
    public const string Client = "client";

    /// <param name="text">The message as Meta delivered it, its sender resolved to a number.</param>
    /// <param name="consent">True for STOP, false for START, null for any other text.</param>
    public static IReadOnlyList<RecordEntry> Text(WhatsAppInboundText text, bool? consent)
    {
        ArgumentNullException.ThrowIfNull(text);
        var id = Bounded(text.MessageId) ?? Fallback(text.From, text.At, text.Body);
        var entry = new RecordEntry
        {
            Id = RecordEntryIds.In(id),
            At = text.At,
            Direction = RecordDirections.In,
            Kind = consent switch { true => "STOP", false => "START", null => "text" },
            Text = Cut(text.Body),
            MessageId = Bounded(text.MessageId),
            Actor = Client,
            From = Bounded(text.UserId) ?? text.From,
        };
        return consent is { } stop ? [entry, ConsentChange(id, text.At, stop, Cut(text.Body), Bounded(text.MessageId))] : [entry];
    }

    public static IReadOnlyList<RecordEntry> Tap(WhatsAppButtonTap tap, bool stop)
    {
        ArgumentNullException.ThrowIfNull(tap);
        var id = Bounded(tap.MessageId) ?? Fallback(tap.From, tap.At, tap.Payload ?? tap.Text ?? "");
        var entry = new RecordEntry
        {
            Id = RecordEntryIds.In(id),
            At = tap.At,
            Direction = RecordDirections.In,
            Kind = "tap",
            Text = Cut(tap.Text),
            Parameters = tap.Payload is { } payload ? [Cut(payload)!] : [],
            MessageId = Bounded(tap.MessageId),
            Actor = Client,
            From = Bounded(tap.UserId) ?? tap.From,
        };
        return stop ? [entry, ConsentChange(id, tap.At, true, Cut(tap.Text ?? tap.Payload), Bounded(tap.MessageId))] : [entry];
    }

    private static RecordEntry ConsentChange(string cause, DateTimeOffset at, bool stop, string? said, string? messageId) => new()
    {
        Id = RecordEntryIds.Consent(cause),
        At = at,
        Direction = RecordDirections.Consent,
        Kind = stop ? "opt-out" : "opt-in",
        Text = said,
        MessageId = messageId,
        Actor = Client,
    };

    private static string? Cut(string? text) => text is null ? null : BookingRecords.Cut(text, PendingEntries.MaxText);

    /// <summary>
    /// An id as Meta sends it (<c>wamid.…</c>, a BSUID: tens of characters); a longer one, which only a forged delivery
    /// holds, is shortened to a prefix and a hash, so it still tells deliveries apart and fits a table property.
    /// </summary>
    private static string? Bounded(string? id) =>
        id is not { Length: > MaxId } ? id : string.Concat(id.AsSpan(0, MaxId - 17), "~", Hex(id).AsSpan(0, 16));

    private const int MaxId = 256;

    private static string Hex(string content) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));

    /// <summary>A message without Meta's id (never seen from Meta): its sender, time and content stand in.</summary>
    private static string Fallback(string from, DateTimeOffset at, string content) =>
        string.Create(CultureInfo.InvariantCulture, $"{from}/{at.UtcTicks}/{Hex(content)[..16]}");
}
