using System.Globalization;
using System.Text.Json;
using Turtle.Grains.Templates;

namespace Turtle.Api.Webhooks;

/// <summary>A template change Meta reported, with the business account (<c>entry[].id</c>) it is about.</summary>
public sealed record WhatsAppTemplateChange(string? BusinessAccountId, TemplateUpdate Update);

/// <summary>
/// Reads the three WABA webhook fields about templates (SPEC §6 "Template lifecycle"), as Meta's references give them:
/// <list type="bullet">
/// <item><c>message_template_status_update</c>: <c>event</c>, <c>message_template_id</c>, <c>_name</c>, <c>_language</c>,
/// <c>reason</c>, <c>message_template_category</c>, and <c>disable_info.disable_date</c>, <c>other_info.title/description</c>,
/// <c>rejection_info.reason/recommendation</c> when they apply
/// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update).</item>
/// <item><c>template_category_update</c>: a completed change carries <c>previous_category</c> and <c>new_category</c>; one
/// announced ahead carries <c>new_category</c> (the category until then), <c>correct_category</c> (the one to come) and
/// <c>category_update_timestamp</c>
/// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/template_category_update).</item>
/// <item><c>message_template_quality_update</c>: <c>previous_quality_score</c>, <c>new_quality_score</c> (GREEN, YELLOW,
/// RED, UNKNOWN) (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_quality_update).</item>
/// </list>
/// The time of each change is the entry's <c>time</c> (<c>WEBHOOK_TRIGGER_TIMESTAMP</c>). A change without a template
/// name and language names nothing Turtle keeps and is skipped.
/// </summary>
public static class TemplateWebhookReader
{
    public const string StatusField = "message_template_status_update";
    public const string CategoryField = "template_category_update";
    public const string QualityField = "message_template_quality_update";

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>Whether a change's <c>field</c> is one of the template fields.</summary>
    public static bool IsTemplateField(string? field) => field is StatusField or CategoryField or QualityField;

    /// <param name="root">The webhook body's root object.</param>
    /// <param name="now">When a change carries no usable time.</param>
    public static IReadOnlyList<WhatsAppTemplateChange> Read(JsonElement root, DateTimeOffset now)
    {
        var changes = new List<WhatsAppTemplateChange>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return changes;
        }
        foreach (var entry in entries.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
        {
            var account = Text(entry, "id");
            var at = Time(entry, "time") ?? now;
            if (!entry.TryGetProperty("changes", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var change in list.EnumerateArray())
            {
                if (change.ValueKind == JsonValueKind.Object && change.TryGetProperty("value", out var value)
                    && Update(Text(change, "field"), value, at) is { } update)
                {
                    changes.Add(new WhatsAppTemplateChange(account, update));
                }
            }
        }
        return changes;
    }

    private static TemplateUpdate? Update(string? field, JsonElement value, DateTimeOffset at)
    {
        if (!IsTemplateField(field) || Text(value, "message_template_name") is not { Length: > 0 and <= 512 } name
            || Text(value, "message_template_language") is not { Length: > 0 and <= 20 } language)
        {
            return null;
        }
        var update = new TemplateUpdate { Name = name, Language = language, At = at, TemplateId = Text(value, "message_template_id") };
        return field switch
        {
            StatusField => Text(value, "event") is { Length: > 0 } reported
                ? update with { Field = TemplateUpdateField.Status, Event = reported, Reason = Reason(value), Category = Category(value, "message_template_category") }
                : null,
            CategoryField => Category(value, "new_category") is { } category
                ? update with
                {
                    Field = TemplateUpdateField.Category,
                    Category = category,
                    PreviousCategory = Category(value, "previous_category"),
                    AnnouncedCategory = Category(value, "correct_category"),
                    AnnouncedFor = Time(value, "category_update_timestamp"),
                }
                : null,
            _ => Text(value, "new_quality_score") is { Length: > 0 } quality
                ? update with { Field = TemplateUpdateField.Quality, Quality = quality.ToUpperInvariant() }
                : null,
        };
    }

    /// <summary>
    /// <c>reason</c> (NONE when there is none, null when the template is to be deleted) with what Meta attached: the
    /// pause or unpause title and description, the rejection's explanation, the disable date.
    /// </summary>
    private static string? Reason(JsonElement value)
    {
        var parts = new List<string?>();
        if (Text(value, "reason") is { Length: > 0 } reason && !reason.Equals("NONE", StringComparison.OrdinalIgnoreCase))
        {
            parts.Add(reason);
        }
        if (value.TryGetProperty("other_info", out var other))
        {
            parts.Add(Text(other, "title"));
            parts.Add(Text(other, "description"));
        }
        if (value.TryGetProperty("rejection_info", out var rejection))
        {
            parts.Add(Text(rejection, "reason"));
            parts.Add(Text(rejection, "recommendation"));
        }
        if (value.TryGetProperty("disable_info", out var disable) && Time(disable, "disable_date") is { } disabled)
        {
            parts.Add($"disabled on {disabled.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
        }
        var text = string.Join(": ", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
        return text.Length == 0 ? null : text.Length <= 1000 ? text : text[..1000] + "…";
    }

    private static string? Category(JsonElement value, string name) =>
        Text(value, name) is { Length: > 0 and <= 40 } category ? category.ToUpperInvariant() : null;

    /// <summary>Unix seconds, as a number or a string (Meta's samples show both).</summary>
    private static DateTimeOffset? Time(JsonElement element, string name) =>
        long.TryParse(Text(element, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix) && unix > 0 && unix <= MaxUnixSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(unix) : null;

    private static string? Text(JsonElement element, string name) => WhatsAppWebhookParser.Text(element, name);
}
