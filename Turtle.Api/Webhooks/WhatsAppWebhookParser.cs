using System.Globalization;
using System.Text.Json;
using Turtle.Grains;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Api.Webhooks;

/// <summary>
/// A status about a message: Meta's message id and what happened (<see cref="Update"/>), the holder its callback data
/// named when it carried Turtle's (<see cref="MessageHolder"/>), and the recipient's number (E.164) or BSUID.
/// </summary>
public sealed record WhatsAppStatus(string? Holder, DeliveryStatusUpdate Update)
{
    /// <summary>The recipient's number (E.164), when Meta gave it.</summary>
    public string? Recipient { get; init; }

    /// <summary>The recipient's BSUID, when Meta gave one.</summary>
    public string? RecipientUserId { get; init; }
}

/// <summary>
/// A text a client wrote to the business number; <see cref="From"/> is E.164, or empty when Meta named the sender only by
/// their business-scoped user id (<see cref="UserId"/>).
/// </summary>
public sealed record WhatsAppInboundText(string From, string Body)
{
    /// <summary>Meta's id of the message (<c>wamid.…</c>): a redelivery is recorded once.</summary>
    public string? MessageId { get; init; }

    /// <summary>When the client sent it (Meta's <c>timestamp</c>).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The sender's BSUID, when Meta gave one.</summary>
    public string? UserId { get; init; }

    /// <summary>The sender's profile name or username, when Meta gave one.</summary>
    public string? Name { get; init; }
}

/// <summary>
/// A tapped button: a template's quick reply (<c>type: button</c>: <c>button.payload</c>, <c>button.text</c>) or an
/// interactive reply button (<c>interactive.button_reply</c>: <c>id</c>, <c>title</c>). <see cref="From"/> is E.164, or
/// empty when Meta named the sender only by their BSUID (<see cref="UserId"/>).
/// </summary>
public sealed record WhatsAppButtonTap(string From, string? Payload, string? Text)
{
    public string? MessageId { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The sender's BSUID, when Meta gave one.</summary>
    public string? UserId { get; init; }

    /// <summary>The sender's profile name or username, when Meta gave one.</summary>
    public string? Name { get; init; }

    /// <summary>Meta's id of the message whose button was tapped (<c>context.id</c>).</summary>
    public string? ContextId { get; init; }
}

/// <summary>Meta named one user by both their BSUID and their number (E.164) in one webhook.</summary>
public sealed record WhatsAppUserLink(string UserId, string Phone);

public sealed record WhatsAppWebhookBatch(IReadOnlyList<WhatsAppStatus> Statuses, IReadOnlyList<WhatsAppInboundText> Texts, int Ignored)
{
    public IReadOnlyList<WhatsAppButtonTap> Buttons { get; init; } = [];

    /// <summary>Every BSUID ↔ number pair the delivery carried, each once.</summary>
    public IReadOnlyList<WhatsAppUserLink> Links { get; init; } = [];

    /// <summary>Template status, category and quality changes (<see cref="TemplateWebhookReader"/>).</summary>
    public IReadOnlyList<WhatsAppTemplateChange> Templates { get; init; } = [];

    /// <summary>Everything the cluster must apply.</summary>
    public int Count => Statuses.Count + Texts.Count + Buttons.Count + Links.Count + Templates.Count;
}

/// <summary>
/// Reads Meta's <c>whatsapp_business_account</c> webhook: <c>entry[].changes[].value.statuses[]</c> and
/// <c>.messages[]</c>, and the template fields (<see cref="TemplateWebhookReader"/>). A status is read whether or not it
/// carries Turtle's callback data (Meta does not promise it on a <c>failed</c> status); one that matches no message Turtle
/// sent is counted as unmatched where it is applied.
/// Business-scoped user ids (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/,
/// sent since April 2026): <c>contacts[].user_id</c> beside <c>wa_id</c>, <c>statuses[].recipient_user_id</c> beside
/// <c>recipient_id</c>, and the sender's <c>messages[].from_user_id</c> (else the contact's <c>user_id</c>); a user who
/// adopted a username may come with no number at all, and is then named by the BSUID alone.
/// </summary>
public static class WhatsAppWebhookParser
{
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <param name="body">The raw body.</param>
    /// <param name="phoneNumberId">Turtle's business number (<c>WhatsApp:PhoneNumberId</c>): changes about another number of the same app are ignored.</param>
    /// <exception cref="JsonException">The body is not JSON of Meta's shape.</exception>
    public static WhatsAppWebhookBatch Parse(ReadOnlySpan<byte> body, string? phoneNumberId = null)
    {
        if (JsonText.Problem(body) is { } problem)
        {
            throw new JsonException(problem);
        }
        using var document = JsonDocument.Parse(body.ToArray());
        var statuses = new List<WhatsAppStatus>();
        var texts = new List<WhatsAppInboundText>();
        var buttons = new List<WhatsAppButtonTap>();
        var links = new HashSet<WhatsAppUserLink>();
        var ignored = 0;
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("entry is required");
        }
        foreach (var change in entries.EnumerateArray().SelectMany(e => Array(e, "changes")))
        {
            if (change.ValueKind != JsonValueKind.Object || !change.TryGetProperty("value", out var value))
            {
                continue;
            }
            var about = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("metadata", out var metadata) ? Text(metadata, "phone_number_id") : null;
            if (!string.IsNullOrEmpty(phoneNumberId) && about != phoneNumberId)
            {
                ignored += Array(value, "statuses").Count + Array(value, "messages").Count;
                continue;
            }
            var contacts = Array(value, "contacts");
            foreach (var contact in contacts)
            {
                AddLink(links, UserId(Text(contact, "user_id")), WaId(Text(contact, "wa_id")));
            }
            foreach (var status in Array(value, "statuses"))
            {
                AddLink(links, UserId(Text(status, "recipient_user_id")), WaId(Text(status, "recipient_id")));
                if (ReadStatus(status) is { } parsed)
                {
                    statuses.Add(parsed);
                }
                else
                {
                    ignored++;
                }
            }
            foreach (var message in Array(value, "messages"))
            {
                var from = WaId(Text(message, "from"));
                var contact = Sender(contacts, from);
                var userId = UserId(Text(message, "from_user_id")) ?? UserId(Text(contact, "user_id"));
                AddLink(links, userId, from);
                var sender = from is null ? "" : "+" + from;
                var name = Text(contact, "username") is { Length: > 0 } username ? "@" + username.TrimStart('@')
                    : contact.ValueKind == JsonValueKind.Object && contact.TryGetProperty("profile", out var profile) ? Text(profile, "name") : null;
                if (from is null && userId is null)
                {
                    ignored++;
                }
                else if (ReadText(message, sender) is { } text)
                {
                    texts.Add(text with { UserId = userId, Name = name });
                }
                else if (ReadButton(message, sender) is { } button)
                {
                    buttons.Add(button with { UserId = userId, Name = name });
                }
                else
                {
                    ignored++;
                }
            }
        }
        return new WhatsAppWebhookBatch(statuses, texts, ignored)
        {
            Buttons = buttons,
            Links = [.. links],
            Templates = TemplateWebhookReader.Read(document.RootElement, DateTimeOffset.UtcNow),
        };
    }

    /// <summary>The contact a message came from: the one of its <c>wa_id</c>, else the only one.</summary>
    private static JsonElement Sender(List<JsonElement> contacts, string? waId) =>
        contacts.FirstOrDefault(c => waId is not null && WaId(Text(c, "wa_id")) == waId) is { ValueKind: JsonValueKind.Object } match ? match
            : contacts.Count == 1 ? contacts[0] : default;

    private static void AddLink(HashSet<WhatsAppUserLink> links, string? userId, string? waId)
    {
        if (userId is not null && waId is not null)
        {
            links.Add(new WhatsAppUserLink(userId, "+" + waId));
        }
    }

    /// <summary>A BSUID as Meta shapes it; anything else names nobody and, as a grain key, is not trusted.</summary>
    private static string? UserId(string? value) => BusinessScopedUserId.IsValid(value) ? value : null;

    /// <summary>
    /// A WhatsApp id is a phone number's digits (E.164 has at most 15; a leading + is tolerated). Anything else names no
    /// client and, as a key, could not even be stored (a storage key has a length limit).
    /// </summary>
    private static string? WaId(string? sender)
    {
        var digits = sender is ['+', .. var rest] ? rest : sender;
        return digits is { Length: > 0 and <= 20 } && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    private static WhatsAppInboundText? ReadText(JsonElement message, string from) =>
        Text(message, "type") == "text" && message.TryGetProperty("text", out var text) && Text(text, "body") is { } content
            ? new WhatsAppInboundText(from, content) { MessageId = Text(message, "id"), At = Timestamp(message) }
            : null;

    private static WhatsAppButtonTap? ReadButton(JsonElement message, string from)
    {
        var (payload, label) = Text(message, "type") switch
        {
            "button" when message.TryGetProperty("button", out var button) => (Text(button, "payload"), Text(button, "text")),
            "interactive" when message.TryGetProperty("interactive", out var interactive) && Text(interactive, "type") == "button_reply"
                && interactive.TryGetProperty("button_reply", out var reply) => (Text(reply, "id"), Text(reply, "title")),
            _ => (null, null),
        };
        if (payload is null && label is null)
        {
            return null;
        }
        var context = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("context", out var c) ? Text(c, "id") : null;
        return new WhatsAppButtonTap(from, payload, label) { MessageId = Text(message, "id"), At = Timestamp(message), ContextId = context };
    }

    private static DateTimeOffset Timestamp(JsonElement element) =>
        long.TryParse(Text(element, "timestamp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix)
            && unix >= 0 && unix <= MaxUnixSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(unix) : DateTimeOffset.UtcNow;

    private static WhatsAppStatus? ReadStatus(JsonElement status)
    {
        if (Text(status, "id") is not { Length: > 0 } messageId || Delivery(Text(status, "status")) is not { } delivery)
        {
            return null;
        }
        var named = CallbackData.TryParse(Text(status, "biz_opaque_callback_data"), out var holder, out var kind);
        var at = Timestamp(status);
        int? code = null;
        string? error = null;
        if (Array(status, "errors").FirstOrDefault() is { ValueKind: JsonValueKind.Object } first)
        {
            code = first.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : null;
            var details = first.TryGetProperty("error_data", out var d) ? Text(d, "details") : null;
            error = string.Join(" — ", new[] { Text(first, "title") ?? Text(first, "message"), details }.Where(s => !string.IsNullOrEmpty(s)));
        }
        return new WhatsAppStatus(named ? holder : null, new DeliveryStatusUpdate
        {
            Kind = named ? kind : null,
            MessageId = messageId,
            Status = delivery,
            At = at,
            ErrorCode = code,
            ErrorText = error,
        })
        {
            Recipient = WaId(Text(status, "recipient_id")) is { } digits ? "+" + digits : null,
            RecipientUserId = UserId(Text(status, "recipient_user_id")),
        };
    }

    private static DeliveryStatus? Delivery(string? status) => status switch
    {
        "sent" => DeliveryStatus.Sent,
        "delivered" => DeliveryStatus.Delivered,
        "read" => DeliveryStatus.Read,
        "failed" => DeliveryStatus.Failed,
        _ => null,
    };

    private static List<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray()] : [];

    /// <summary>A string or number property's text; null when absent, of another kind, or the element is no object.</summary>
    internal static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
