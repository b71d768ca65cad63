using System.Globalization;
using System.Text.RegularExpressions;

namespace Turtle.Grains.Messaging;

/// <summary>
/// What <c>./turtle whatsapp templates --create</c> submits for a kind (SPEC §9): its default English wording from
/// <see cref="MessageTemplates"/>, under the configured name and language, category <c>UTILITY</c>, with an example
/// value per placeholder and the kind's quick-reply buttons.
/// </summary>
public static partial class TemplateSubmission
{
    public const string Category = "UTILITY";

    /// <summary>Meta's longest template body.</summary>
    public const int MaxBodyLength = 1024;

    /// <summary>The submission, or why the default wording cannot be what the configured template sends.</summary>
    /// <param name="standard">The kind's default template.</param>
    /// <param name="configured">How the kind is configured.</param>
    /// <param name="language">The language to submit it in (SPEC §15); null: the configured language.</param>
    public static (MetaTemplateSubmission? Submission, string? Refusal) For(MessageTemplate standard, WhatsAppTemplateOptions configured, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(standard);
        ArgumentNullException.ThrowIfNull(configured);
        var key = $"{WhatsAppOptions.Section}:Templates:{standard.Kind}";
        if (!configured.Parameters.SequenceEqual(standard.Parameters, StringComparer.Ordinal))
        {
            return (null, $"{key}:Parameters ({string.Join(", ", configured.Parameters)}) are not the default wording's ({string.Join(", ", standard.Parameters)}): "
                + "submit your own wording in WhatsApp Manager.");
        }
        language ??= configured.Language;
        var english = language?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;
        if (language is null || (!english && !standard.Translations.ContainsKey(language)))
        {
            return (null, $"Turtle has no {language} wording for {standard.Kind}: submit a translation in WhatsApp Manager.");
        }
        var body = english ? standard.Body : standard.BodyIn(language);
        if (Problem(body, standard.Parameters.Count) is { } problem)
        {
            return (null, $"the default wording of {standard.Kind} ({language}) would be refused by Meta: {problem}");
        }

        List<MetaTemplateComponent> components =
        [
            new("BODY", body, standard.Parameters.Count == 0 ? null : new MetaComponentExample([[.. standard.Parameters.Select(MessageTemplates.ExampleOf)]])),
        ];
        if (standard.QuickReplies.Count > 0)
        {
            components.Add(new MetaTemplateComponent("BUTTONS", Buttons: [.. standard.QuickReplyTextsIn(english ? null : language).Select(text => new MetaTemplateButton("QUICK_REPLY", text))]));
        }
        return (new MetaTemplateSubmission(configured.Name!, language, standard.IntendedCategory, components), null);
    }

    /// <summary>
    /// Why Meta would refuse a body with <paramref name="parameters"/> placeholders, or not approve it as Utility; null
    /// when it follows the rules Meta publishes:
    /// <list type="bullet">
    /// <item>placeholders <c>{{1}}</c>…<c>{{n}}</c> in order, none at the very start or end of the body, never two side
    /// by side, and not too many for the body's length (Meta's common rejection reasons,
    /// https://developers.facebook.com/docs/whatsapp/message-templates/guidelines/#common-rejection-reasons). Meta gives
    /// no numbers for "side by side" or "too many": Turtle counts a placeholder followed only by punctuation as at the end,
    /// two separated only by spaces or punctuation as side by side, and asks for at least 2n + 1 fixed words around n
    /// placeholders, as businesses report Meta applying them (a guess, kept on the safe side);</item>
    /// <item>nothing that reads as promotion: a utility template informs about the client's own transaction, and Meta
    /// treats one mixing in promotional content as marketing (template categorization guidelines,
    /// https://developers.facebook.com/docs/whatsapp/updates-to-pricing/new-template-guidelines/);</item>
    /// <item>at most 1,024 characters (template fundamentals,
    /// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview).</item>
    /// </list>
    /// </summary>
    public static string? Problem(string body, int parameters)
    {
        ArgumentNullException.ThrowIfNull(body);
        var numbers = Placeholder().Matches(body).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).ToList();
        if (!numbers.SequenceEqual(Enumerable.Range(1, parameters)))
        {
            return $"its placeholders are {Placeholders(numbers)}, where {Placeholders(Enumerable.Range(1, parameters))} are expected";
        }
        if (parameters > 0 && (AtStart().IsMatch(body) || AtEnd().IsMatch(body)))
        {
            return "it starts or ends with a placeholder";
        }
        if (Adjacent().IsMatch(body))
        {
            return "two placeholders stand side by side";
        }
        var words = Word().Count(Placeholder().Replace(body, " "));
        if (words < MinimumWords(parameters))
        {
            return $"it has {words} fixed words around {parameters} placeholders, fewer than the {MinimumWords(parameters)} Meta needs to see what they are for";
        }
        if (Promotional().Match(body) is { Success: true } promotion)
        {
            return $"\"{promotion.Value}\" reads as promotion, which makes it a marketing template";
        }
        return body.Length > MaxBodyLength ? $"it is {body.Length} characters long, over {MaxBodyLength}" : null;
    }

    /// <summary>Fixed words a body needs around <paramref name="parameters"/> placeholders.</summary>
    public static int MinimumWords(int parameters) => parameters == 0 ? 1 : (2 * parameters) + 1;

    private static string Placeholders(IEnumerable<int> numbers) =>
        numbers.Any() ? string.Join(" ", numbers.Select(n => "{{" + n.ToString(CultureInfo.InvariantCulture) + "}}")) : "none";

    [GeneratedRegex(@"\{\{(\d+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\}\}[\s\p{P}]*\{\{")]
    private static partial Regex Adjacent();

    [GeneratedRegex(@"^[\s\p{P}]*\{\{\d+\}\}")]
    private static partial Regex AtStart();

    [GeneratedRegex(@"\{\{\d+\}\}[\s\p{P}]*$")]
    private static partial Regex AtEnd();

    [GeneratedRegex(@"[\p{L}\p{N}]+(['’][\p{L}]+)?")]
    private static partial Regex Word();

    /// <summary>Words and phrases that sell rather than inform; what Meta's category guidelines call promotional content.</summary>
    [GeneratedRegex(@"\b(offers?|discounts?|sale|deals?|free|promo(tion)?s?|coupons?|vouchers?|cashback|limited[- ]time|exclusive|special price|buy|shop|hurry|don'?t miss|new products?|upgrade|\d+\s?% off)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Promotional();
}
