using System.Globalization;
using System.Text.Json;
using Turtle.Grains.Appointments;

namespace Turtle.Api.Webhooks;

/// <summary>A status about a message Turtle sent, already pointed at its appointment by the callback data.</summary>
public sealed record WhatsAppStatus(string AppointmentId, DeliveryStatusUpdate Update);

/// <summary>A text a client wrote to the business number; <see cref="From"/> is E.164.</summary>
public sealed record WhatsAppInboundText(string From, string Body);

public sealed record WhatsAppWebhookBatch(IReadOnlyList<WhatsAppStatus> Statuses, IReadOnlyList<WhatsAppInboundText> Texts, int Ignored);

/// <summary>
/// Reads Meta's <c>whatsapp_business_account</c> webhook: <c>entry[].changes[].value.statuses[]</c> and
/// <c>.messages[]</c>. Statuses without Turtle's callback data (messages sent by other tools) are counted as ignored.
/// </summary>
public static class WhatsAppWebhookParser
{
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <param name="body">The raw body.</param>
    /// <param name="phoneNumberId">Turtle's business number (<c>WhatsApp:PhoneNumberId</c>): changes about another number of the same app are ignored.</param>
    /// <exception cref="JsonException">The body is not JSON of Meta's shape.</exception>
    public static WhatsAppWebhookBatch Parse(ReadOnlySpan<byte> body, string? phoneNumberId = null)
    {
        if (Grains.JsonText.Problem(body) is { } problem)
        {
            throw new JsonException(problem);
        }
        using var document = JsonDocument.Parse(body.ToArray());
        var statuses = new List<WhatsAppStatus>();
        var texts = new List<WhatsAppInboundText>();
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
            foreach (var status in Array(value, "statuses"))
            {
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
                if (Text(message, "type") == "text" && Text(message, "from") is { } from && IsWaId(from)
                    && message.TryGetProperty("text", out var text) && Text(text, "body") is { } content)
                {
                    texts.Add(new WhatsAppInboundText("+" + from, content));
                }
                else
                {
                    ignored++;
                }
            }
        }
        return new WhatsAppWebhookBatch(statuses, texts, ignored);
    }

    /// <summary>
    /// A WhatsApp id is a phone number's digits (E.164 has at most 15). Anything else names no client and, as a key, could
    /// not even be stored (found by the hostile-input tests: a 16,000-character sender was a 500).
    /// </summary>
    private static bool IsWaId(string from) => from.Length is > 0 and <= 20 && from.All(char.IsAsciiDigit);

    private static WhatsAppStatus? ReadStatus(JsonElement status)
    {
        if (!CallbackData.TryParse(Text(status, "biz_opaque_callback_data"), out var appointmentId, out var kind)
            || Text(status, "id") is not { Length: > 0 } messageId || Delivery(Text(status, "status")) is not { } delivery)
        {
            return null;
        }
        var at = long.TryParse(Text(status, "timestamp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix)
            && unix >= 0 && unix <= MaxUnixSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(unix) : DateTimeOffset.UtcNow;
        int? code = null;
        string? error = null;
        if (Array(status, "errors").FirstOrDefault() is { ValueKind: JsonValueKind.Object } first)
        {
            code = first.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : null;
            var details = first.TryGetProperty("error_data", out var d) ? Text(d, "details") : null;
            error = string.Join(" — ", new[] { Text(first, "title") ?? Text(first, "message"), details }.Where(s => !string.IsNullOrEmpty(s)));
        }
        return new WhatsAppStatus(appointmentId, new DeliveryStatusUpdate
        {
            Kind = kind,
            MessageId = messageId,
            Status = delivery,
            At = at,
            ErrorCode = code,
            ErrorText = error,
        });
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

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
