using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Turtle.Testing.WhatsApp;

/// <summary>
/// Meta's side of the template lifecycle: the WABA webhooks about templates, and Meta changing a template's status or
/// category on its own (since April 2025 Meta re-categorises templates whose content it finds does not match their
/// category, and tells the business by <c>template_category_update</c>).
/// </summary>
public sealed partial class FakeWhatsAppApi
{
    /// <summary>
    /// Meta pauses, disables or re-approves a template it holds (as after clients' feedback); the next list shows it.
    /// The status webhook reference names the pauses (<c>other_info.title</c> FIRST_PAUSE, SECOND_PAUSE, …); how long
    /// they last (3 h, then 6 h, then disabled) is from YCloud's examples
    /// (https://docs.ycloud.com/reference-link/whatsapp-template-reviewed-webhook-examples), not a Meta page.
    /// </summary>
    public void SetTemplateStatus(string name, string language, string status)
    {
        lock (_templates)
        {
            Template(name, language)["status"] = status;
        }
    }

    /// <summary>
    /// Meta moves a template it holds to <paramref name="category"/> on its own and answers the list with the new one;
    /// returns the category it had. Meta's template categorization page ("how we update a template's category after
    /// initial approval"): https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-categorization
    /// </summary>
    public string Recategorise(string name, string language, string category)
    {
        lock (_templates)
        {
            var template = Template(name, language);
            var previous = (string?)template["category"] ?? "UTILITY";
            template["category"] = category;
            return previous;
        }
    }

    /// <summary>Re-categorises a template (<see cref="Recategorise"/>) and posts the completed <c>template_category_update</c>.</summary>
    public Task<HttpStatusCode> RecategoriseAsync(Uri webhookUrl, string appSecret, string name, string language, string category)
    {
        var previous = Recategorise(name, language, category);
        return PostWebhookAsync(webhookUrl, appSecret, BuildTemplateCategoryPayload(name, language, previous, category));
    }

    /// <summary>Posts a signed <c>message_template_status_update</c> (<see cref="BuildTemplateStatusPayload"/>).</summary>
    public Task<HttpStatusCode> PostTemplateStatusAsync(Uri webhookUrl, string appSecret, string name, string language, string templateEvent, string? reason = null, string category = "UTILITY", DateTimeOffset? at = null) =>
        PostWebhookAsync(webhookUrl, appSecret, BuildTemplateStatusPayload(name, language, templateEvent, reason, category, at));

    /// <summary>Posts a signed <c>message_template_quality_update</c> (<see cref="BuildTemplateQualityPayload"/>).</summary>
    public Task<HttpStatusCode> PostTemplateQualityAsync(Uri webhookUrl, string appSecret, string name, string language, string previous, string quality, DateTimeOffset? at = null) =>
        PostWebhookAsync(webhookUrl, appSecret, BuildTemplateQualityPayload(name, language, previous, quality, at));

    /// <summary>Posts a signed <c>template_category_update</c> announcing a change 24 h ahead (<see cref="BuildCategoryAnnouncementPayload"/>).</summary>
    public Task<HttpStatusCode> AnnounceRecategorisationAsync(Uri webhookUrl, string appSecret, string name, string language, string current, string coming, DateTimeOffset takesEffect, DateTimeOffset? at = null) =>
        PostWebhookAsync(webhookUrl, appSecret, BuildCategoryAnnouncementPayload(name, language, current, coming, takesEffect, at));

    /// <summary>
    /// <c>message_template_status_update</c>, as Meta's reference gives it
    /// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update):
    /// <c>event</c>, <c>message_template_id</c> (a number), <c>message_template_name</c>, <c>message_template_language</c>,
    /// <c>reason</c> (<c>NONE</c> when there is none; per YCloud's examples, a pause also says NONE), <c>message_template_category</c>; <c>disable_info.disable_date</c>
    /// for DISABLED; <c>other_info.title/description</c> for a pause (PAUSED) and its end; <c>rejection_info</c> for a
    /// rejection with INVALID_FORMAT. Unlike message webhooks it carries no <c>metadata</c> (it is about the account,
    /// not a phone number).
    /// </summary>
    public string BuildTemplateStatusPayload(string name, string language, string templateEvent, string? reason = null, string category = "UTILITY", DateTimeOffset? at = null)
    {
        var when = at ?? _time.GetUtcNow();
        var value = new JsonObject
        {
            ["event"] = templateEvent,
            ["message_template_id"] = TemplateId(name, language),
            ["message_template_name"] = name,
            ["message_template_language"] = language,
            ["reason"] = reason ?? "NONE",
            ["message_template_category"] = category,
        };
        switch (templateEvent)
        {
            case "DISABLED":
                value["disable_info"] = new JsonObject { ["disable_date"] = when.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
                break;
            case "PAUSED":
                // The reference's example titles a pause FIRST_PAUSE; its description is a guess at Meta's wording.
                value["other_info"] = new JsonObject { ["title"] = "FIRST_PAUSE", ["description"] = "Your WhatsApp message template has been paused because of low quality." };
                break;
            case "REJECTED" when reason == "INVALID_FORMAT":
                value["rejection_info"] = new JsonObject
                {
                    ["reason"] = "Variables can't be at the start or end of the template.",
                    ["recommendation"] = "Add text before the first variable and after the last one.",
                };
                break;
        }
        return WabaEnvelope("message_template_status_update", value, when);
    }

    /// <summary>
    /// A completed <c>template_category_update</c>: <c>previous_category</c> and <c>new_category</c>
    /// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/template_category_update).
    /// </summary>
    public string BuildTemplateCategoryPayload(string name, string language, string previous, string category, DateTimeOffset? at = null) =>
        WabaEnvelope("template_category_update", new JsonObject
        {
            ["message_template_id"] = TemplateId(name, language),
            ["message_template_name"] = name,
            ["message_template_language"] = language,
            ["previous_category"] = previous,
            ["new_category"] = category,
        }, at ?? _time.GetUtcNow());

    /// <summary>
    /// An impending <c>template_category_update</c>, sent ahead of an automated change: <c>new_category</c> is the category
    /// the template has now, <c>correct_category</c> the one it will get at <c>category_update_timestamp</c> (same page).
    /// </summary>
    public string BuildCategoryAnnouncementPayload(string name, string language, string current, string coming, DateTimeOffset takesEffect, DateTimeOffset? at = null) =>
        WabaEnvelope("template_category_update", new JsonObject
        {
            ["message_template_id"] = TemplateId(name, language),
            ["message_template_name"] = name,
            ["message_template_language"] = language,
            ["correct_category"] = coming,
            ["new_category"] = current,
            ["category_update_timestamp"] = takesEffect.ToUnixTimeSeconds(),
        }, at ?? _time.GetUtcNow());

    /// <summary>
    /// <c>message_template_quality_update</c>: <c>previous_quality_score</c>, <c>new_quality_score</c> (GREEN, YELLOW, RED,
    /// UNKNOWN) (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_quality_update).
    /// </summary>
    public string BuildTemplateQualityPayload(string name, string language, string previous, string quality, DateTimeOffset? at = null) =>
        WabaEnvelope("message_template_quality_update", new JsonObject
        {
            ["previous_quality_score"] = previous,
            ["new_quality_score"] = quality,
            ["message_template_id"] = TemplateId(name, language),
            ["message_template_name"] = name,
            ["message_template_language"] = language,
        }, at ?? _time.GetUtcNow());

    /// <summary>A WABA-level change: <c>entry[].id</c> is the business account, <c>time</c> when Meta triggered the webhook.</summary>
    private static string WabaEnvelope(string field, JsonObject value, DateTimeOffset at) => new JsonObject
    {
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = BusinessAccountId,
            ["time"] = at.ToUnixTimeSeconds(),
            ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = field }),
        }),
        ["object"] = "whatsapp_business_account",
    }.ToJsonString();

    /// <summary>The held template's id (a number in webhooks), or a made-up one (the same within a run) for a template the fake does not hold.</summary>
    private long TemplateId(string name, string language)
    {
        lock (_templates)
        {
            var held = _templates.FirstOrDefault(t => (string?)t["name"] == name && (string?)t["language"] == language);
            return held is not null ? long.Parse((string)held["id"]!, CultureInfo.InvariantCulture) : 1_000_000_000_000 + ((uint)StringComparer.Ordinal.GetHashCode($"{name}:{language}") % 1_000_000);
        }
    }

    private JsonObject Template(string name, string language) =>
        _templates.FirstOrDefault(t => (string?)t["name"] == name && (string?)t["language"] == language)
        ?? throw new InvalidOperationException($"The fake holds no template {name} ({language}); seed it first.");
}
