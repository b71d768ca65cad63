using System.Text.Json.Serialization;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Templates;

/// <summary>
/// One WhatsApp template in one language as Meta last reported it (SPEC §6 "Template lifecycle"): its review status,
/// category and quality, kept from the WABA webhooks <c>message_template_status_update</c>,
/// <c>template_category_update</c> and <c>message_template_quality_update</c>. Key: <see cref="TemplateKey.Of"/>.
/// While one of Turtle's kinds uses it and it is not approved in its intended category, it is on the attention list
/// under <c>template</c>.
/// </summary>
public interface ITemplateGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies what Meta reported. A repeat, or a report older than the one already applied for the same aspect
    /// (status, category, quality), changes nothing; the attention list is told the outcome every time, so a delivery
    /// Meta retries after a failure completes the work.
    /// </summary>
    Task ApplyAsync(TemplateUpdate update);

    [AlwaysInterleave]
    Task<TemplateView> GetAsync();

    /// <summary>
    /// The send path's question before it sends a message with this template: send now, wait (PAUSED, or under
    /// review), or fail with Meta's reason (DISABLED, REJECTED …). A template Meta never reported on may be sent.
    /// </summary>
    [AlwaysInterleave]
    Task<TemplateSendCheck> CheckSendAsync();
}

/// <summary>Every kind's template as configured, with what Meta reported of it (<c>GET /api/templates</c>).</summary>
public interface ITemplateCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>One item per kind that is not disabled, in the kind's configured language.</summary>
    Task<IReadOnlyList<TemplateListing>> ListAsync();
}

/// <summary>The key of a template's grain: its name and language code, as Meta spells them.</summary>
public static class TemplateKey
{
    public static string Of(string name, string language) => $"{name}:{language}";

    /// <summary>The name and language back from a key; the language is what follows the last colon.</summary>
    public static (string Name, string Language) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var split = key.LastIndexOf(':');
        return split < 0 ? (key, "") : (key[..split], key[(split + 1)..]);
    }
}

/// <summary>Meta's template categories, and the one every Turtle kind is written for.</summary>
public static class TemplateCategories
{
    public const string Utility = "UTILITY";
    public const string Marketing = "MARKETING";
    public const string Authentication = "AUTHENTICATION";

    /// <summary>Every kind informs about the client's own booking: none is meant to be marketing.</summary>
    public const string Intended = Utility;
}

/// <summary>Meta's template review statuses that Turtle acts on.</summary>
public static class TemplateStatuses
{
    public const string Approved = "APPROVED";
    public const string Pending = "PENDING";
    public const string Rejected = "REJECTED";
    public const string Paused = "PAUSED";
    public const string Disabled = "DISABLED";
    public const string Flagged = "FLAGGED";
}

/// <summary>Which of the three WABA webhook fields a <see cref="TemplateUpdate"/> came from.</summary>
public enum TemplateUpdateField
{
    Status,
    Category,
    Quality,
}

/// <summary>
/// One template change Meta reported. <see cref="At"/> is the webhook's <c>entry[].time</c>: Meta sends it again
/// unchanged when it retries, so it orders reports of the same aspect.
/// </summary>
[GenerateSerializer, Immutable, Alias("Turtle.TemplateUpdate")]
public sealed record TemplateUpdate
{
    [Id(0)] public TemplateUpdateField Field { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Language { get; init; }
    [Id(3)] public DateTimeOffset At { get; init; }

    /// <summary><c>message_template_id</c>.</summary>
    [Id(4)] public string? TemplateId { get; init; }

    /// <summary>Status: <c>event</c> (APPROVED, REJECTED, PENDING, PAUSED, DISABLED, FLAGGED, …).</summary>
    [Id(5)] public string? Event { get; init; }

    /// <summary>Status: <c>reason</c> with the detail Meta attached (rejection info, pause title, disable date); null for NONE.</summary>
    [Id(6)] public string? Reason { get; init; }

    /// <summary>The template's category now: <c>message_template_category</c> (status) or <c>new_category</c> (category).</summary>
    [Id(7)] public string? Category { get; init; }

    /// <summary>Category, completed change: <c>previous_category</c>.</summary>
    [Id(8)] public string? PreviousCategory { get; init; }

    /// <summary>Category, change announced ahead: <c>correct_category</c>, what the template will become.</summary>
    [Id(9)] public string? AnnouncedCategory { get; init; }

    /// <summary>Category, change announced ahead: <c>category_update_timestamp</c>, when it takes effect.</summary>
    [Id(10)] public DateTimeOffset? AnnouncedFor { get; init; }

    /// <summary>Quality: <c>new_quality_score</c> (GREEN, YELLOW, RED, UNKNOWN).</summary>
    [Id(11)] public string? Quality { get; init; }
}

/// <summary>A template as Turtle knows it from Meta's webhooks; null where Meta has not reported it yet.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.TemplateView")]
public sealed record TemplateView
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required string Language { get; init; }
    [Id(2)] public string? Status { get; init; }
    [Id(3)] public string? Category { get; init; }
    [Id(4)] public string IntendedCategory { get; init; } = TemplateCategories.Intended;
    [Id(5)] public string? Quality { get; init; }
    [Id(6)] public string? Reason { get; init; }

    /// <summary>When Meta last reported a change to it.</summary>
    [Id(7)] public DateTimeOffset? Since { get; init; }

    /// <summary>A category Meta announced it will move the template to, and when.</summary>
    [Id(8)] public string? AnnouncedCategory { get; init; }
    [Id(9)] public DateTimeOffset? AnnouncedFor { get; init; }

    /// <summary>What needs a person, and what to do; null while it is approved in its intended category.</summary>
    [Id(10)] public string? Problem { get; init; }
}

/// <summary>
/// One kind's template in <c>GET /api/templates</c>: <c>{ kind, name, language, status, category, intendedCategory,
/// quality, reason, since }</c>, each field written (null when Meta has not reported it), as SPEC §6 names them all.
/// </summary>
[GenerateSerializer, Immutable, Alias("Turtle.TemplateListing")]
public sealed record TemplateListing(
    [property: Id(0)] NotificationKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string Language,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Status,
    [property: Id(4), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Category,
    [property: Id(5)] string IntendedCategory,
    [property: Id(6), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Quality,
    [property: Id(7), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason,
    [property: Id(8), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? Since)
{
    [Id(9)] public string? AnnouncedCategory { get; init; }
    [Id(10)] public DateTimeOffset? AnnouncedFor { get; init; }
    [Id(11)] public string? Problem { get; init; }
}

/// <summary>Whether a message may go out with a template now.</summary>
public enum TemplateVerdict
{
    /// <summary>Approved (or never reported on): send.</summary>
    Send,

    /// <summary>PAUSED or under review: keep the message and ask again later; Meta's APPROVED ends the wait.</summary>
    Wait,

    /// <summary>DISABLED, REJECTED, archived or deleted: the message fails with <see cref="TemplateSendCheck.Reason"/>.</summary>
    Fail,
}

/// <param name="Verdict">Send, wait or fail.</param>
/// <param name="Reason">For Wait and Fail: what Meta reported, in a line fit for the message's last error.</param>
/// <param name="Category">The template's current category at Meta, when known (MARKETING means per-user caps and no +1 numbers).</param>
[GenerateSerializer, Immutable, Alias("Turtle.TemplateSendCheck")]
public sealed record TemplateSendCheck(
    [property: Id(0)] TemplateVerdict Verdict,
    [property: Id(1)] string? Reason,
    [property: Id(2)] string? Category)
{
    /// <summary>How soon a waiting message asks again when no webhook ends the wait first.</summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromMinutes(10);
}
