using System.Globalization;

namespace Turtle.Grains.Templates;

/// <summary>
/// The decisions about one template, apart from the grain that keeps it: how a report from Meta changes what Turtle
/// knows, whether messages may go out with it, and what a person must hear about it.
/// </summary>
public static class TemplateLifecycle
{
    /// <summary>
    /// Applies <paramref name="update"/> to <paramref name="template"/>; a report older than the one already applied for
    /// the same aspect is ignored (Meta retries deliveries for days, so an old report can arrive after a newer one).
    /// </summary>
    /// <returns>Whether anything changed.</returns>
    public static bool Apply(TemplateState template, TemplateUpdate update)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(update);
        var before = Snapshot(template);
        template.TemplateId ??= update.TemplateId;
        switch (update.Field)
        {
            case TemplateUpdateField.Status:
                if (StatusOf(update.Event) is { } status && IsCurrent(template.StatusAt, update.At))
                {
                    (template.Status, template.Reason, template.StatusAt) = (status, update.Reason, update.At);
                }
                ApplyCategory(template, update.Category, previous: null, update.At);
                break;
            case TemplateUpdateField.Category when update.AnnouncedCategory is not null:
                if (IsCurrent(template.AnnouncedAt, update.At))
                {
                    (template.AnnouncedCategory, template.AnnouncedFor, template.AnnouncedAt) = (update.AnnouncedCategory, update.AnnouncedFor, update.At);
                }
                // In an announcement new_category is the category the template has until the change.
                ApplyCategory(template, update.Category, previous: null, update.At);
                break;
            case TemplateUpdateField.Category:
                if (ApplyCategory(template, update.Category, update.PreviousCategory, update.At)
                    && (template.AnnouncedCategory == template.Category || template.AnnouncedAt <= update.At))
                {
                    (template.AnnouncedCategory, template.AnnouncedFor, template.AnnouncedAt) = (null, null, null);
                }
                break;
            case TemplateUpdateField.Quality:
                if (update.Quality is { Length: > 0 } quality && IsCurrent(template.QualityAt, update.At))
                {
                    (template.Quality, template.QualityAt) = (quality, update.At);
                }
                break;
        }
        if (Snapshot(template) == before)
        {
            return false;
        }
        template.Since = template.Since is { } since && since > update.At ? since : update.At;
        return true;
    }

    /// <summary>
    /// Whether a message may go out with the template now. Approved, flagged (still approved, at risk) and never
    /// reported: send. Paused or under review: wait. Anything else Meta refuses to send (rejected, disabled, in
    /// appeal, archived, deleted): fail with Meta's reason.
    /// </summary>
    public static TemplateSendCheck Check(TemplateState template, string name, string language)
    {
        ArgumentNullException.ThrowIfNull(template);
        var said = template.Reason is { Length: > 0 } reason ? $": {reason}" : "";
        return template.Status switch
        {
            null or TemplateStatuses.Approved or TemplateStatuses.Flagged => new TemplateSendCheck(TemplateVerdict.Send, null, template.Category),
            TemplateStatuses.Paused => new TemplateSendCheck(TemplateVerdict.Wait, $"Template {name} ({language}) is paused by Meta{said}; the message waits until Meta approves it again.", template.Category),
            TemplateStatuses.Pending => new TemplateSendCheck(TemplateVerdict.Wait, $"Template {name} ({language}) is under review at Meta; the message waits until it is approved.", template.Category),
            var status => new TemplateSendCheck(TemplateVerdict.Fail, $"Template {name} ({language}) is {status} at Meta{said}.", template.Category),
        };
    }

    /// <summary>
    /// What needs a person about the template, and what to do, in a few sentences; null while it is approved (or not
    /// reported on) in its intended category, with no other category announced. The text names the
    /// <paramref name="kinds"/> sent with it.
    /// </summary>
    public static string? Problem(TemplateState template, string name, string language, IReadOnlyCollection<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(kinds);
        var parts = new List<string>();
        var said = template.Reason is { Length: > 0 } reason ? $" ({reason})" : "";
        parts.AddRange(template.Status switch
        {
            null or TemplateStatuses.Approved => [],
            TemplateStatuses.Paused => [$"Meta paused it for low quality{said}: its messages wait and go out once Meta approves it again (after 3 hours at a first pause, 6 at a second; a third disables it). Read the clients' feedback and review the wording in WhatsApp Manager."],
            TemplateStatuses.Flagged => [$"Meta flagged it after negative feedback from clients{said}: it still sends but may be disabled. Review the wording in WhatsApp Manager."],
            TemplateStatuses.Pending => ["Meta is reviewing it: its messages wait until it is approved."],
            TemplateStatuses.Disabled => [$"Meta disabled it{said}: its messages fail. Submit new wording under a new name and map the kind to it (WhatsApp:Templates), or appeal in WhatsApp Manager."],
            TemplateStatuses.Rejected => [$"Meta rejected it{said}: its messages fail. Edit the wording in WhatsApp Manager and submit it again, or appeal."],
            var status => [$"Meta reports it {status}{said}: its messages fail. Check it in WhatsApp Manager."],
        });
        if (template.Category is { } category && category != TemplateCategories.Intended)
        {
            var from = template.PreviousCategory is { } previous && previous != category ? $" from {previous}" : "";
            parts.Add($"Meta re-categorised it{from} to {category}, not {TemplateCategories.Intended}: {Consequence(category)} "
                + "Word it purely about the client's booking and submit it as UTILITY (a new name), or appeal the category in WhatsApp Manager.");
        }
        if (template.AnnouncedCategory is { } announced && announced != TemplateCategories.Intended && announced != template.Category)
        {
            var when = template.AnnouncedFor is { } at ? $" on {at.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture)}" : "";
            parts.Add($"Meta announced it will re-categorise it to {announced}{when}: {Consequence(announced)} "
                + "Change the wording before then, or appeal in WhatsApp Manager.");
        }
        if (parts.Count == 0)
        {
            return null;
        }
        var usedBy = kinds.Count > 0 ? $", used for {string.Join(", ", kinds)}" : "";
        return $"Template {name} ({language}){usedBy}: {string.Join(" ", parts)}";
    }

    /// <summary>
    /// Records whether a problem holds, and since when: a new problem (or a different one) starts a new occurrence, so
    /// the attention list shows it even after a person marked an earlier one handled.
    /// </summary>
    /// <returns>Whether the state changed.</returns>
    public static bool TrackProblem(TemplateState template, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(template);
        var signature = Signature(template);
        if (signature == template.ProblemSignature)
        {
            return false;
        }
        (template.ProblemSignature, template.ProblemSince) = (signature, signature is null ? null : template.Since ?? now);
        return true;
    }

    public static TemplateView View(TemplateState template, string name, string language, IReadOnlyCollection<string> kinds) => new()
    {
        Name = name,
        Language = language,
        Status = template.Status,
        Category = template.Category,
        Quality = template.Quality,
        Reason = template.Reason,
        Since = template.Since,
        AnnouncedCategory = template.AnnouncedCategory,
        AnnouncedFor = template.AnnouncedFor,
        Problem = Problem(template, name, language, kinds),
    };

    /// <summary>
    /// The status an event leaves the template in. REINSTATED and UNARCHIVED make it sendable again (UNARCHIVED is taken
    /// to restore an approved template: Meta's reference does not say which status it restores). LOCKED, UNLOCKED and
    /// LIMIT_EXCEEDED do not change whether it sends.
    /// </summary>
    private static string? StatusOf(string? reported) => reported?.ToUpperInvariant() switch
    {
        null or "" or "LOCKED" or "UNLOCKED" or "LIMIT_EXCEEDED" => null,
        "REINSTATED" or "UNARCHIVED" => TemplateStatuses.Approved,
        var status => status,
    };

    private static bool ApplyCategory(TemplateState template, string? category, string? previous, DateTimeOffset at)
    {
        if (category is not { Length: > 0 } || !IsCurrent(template.CategoryAt, at))
        {
            return false;
        }
        template.PreviousCategory = previous ?? (template.Category != category ? template.Category : template.PreviousCategory);
        (template.Category, template.CategoryAt) = (category.ToUpperInvariant(), at);
        return true;
    }

    private static string Consequence(string category) => category == TemplateCategories.Marketing
        ? "as marketing it is billed at marketing rates, not delivered to +1 numbers, capped per client (131049) and refused to clients who stopped marketing messages (131050)."
        : $"as {category} it is billed and treated as such by Meta.";

    private static bool IsCurrent(DateTimeOffset? applied, DateTimeOffset at) => applied is not { } last || at >= last;

    private static string? Signature(TemplateState template)
    {
        var status = template.Status is null or TemplateStatuses.Approved ? null : template.Status;
        var category = template.Category is { } c && c != TemplateCategories.Intended ? c : null;
        var announced = template.AnnouncedCategory is { } a && a != TemplateCategories.Intended && a != template.Category ? a : null;
        return status is null && category is null && announced is null ? null : $"{status}|{category}|{announced}";
    }

    private static (string?, string?, string?, string?, DateTimeOffset?, string?, string?) Snapshot(TemplateState t) =>
        (t.Status, t.Reason, t.Category, t.AnnouncedCategory, t.AnnouncedFor, t.Quality, t.TemplateId);
}
