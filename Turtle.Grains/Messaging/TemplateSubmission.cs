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
    public static (MetaTemplateSubmission? Submission, string? Refusal) For(MessageTemplate standard, WhatsAppTemplateOptions configured)
    {
        ArgumentNullException.ThrowIfNull(standard);
        ArgumentNullException.ThrowIfNull(configured);
        var key = $"{WhatsAppOptions.Section}:Templates:{standard.Kind}";
        if (!configured.Parameters.SequenceEqual(standard.Parameters, StringComparer.Ordinal))
        {
            return (null, $"{key}:Parameters ({string.Join(", ", configured.Parameters)}) are not the default wording's ({string.Join(", ", standard.Parameters)}): "
                + "submit your own wording in WhatsApp Manager.");
        }
        if (configured.Language is not { } language || !language.StartsWith("en", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"{key}:Language is {configured.Language}; Turtle's default wording is English: submit a translation in WhatsApp Manager.");
        }
        if (Problem(standard.Body, standard.Parameters.Count) is { } problem)
        {
            return (null, $"the default wording of {standard.Kind} would be refused by Meta: {problem}");
        }

        List<MetaTemplateComponent> components =
        [
            new("BODY", standard.Body, standard.Parameters.Count == 0 ? null : new MetaComponentExample([[.. standard.Parameters.Select(MessageTemplates.ExampleOf)]])),
        ];
        if (standard.QuickReplies.Count > 0)
        {
            components.Add(new MetaTemplateComponent("BUTTONS", Buttons: [.. standard.QuickReplies.Select(q => new MetaTemplateButton("QUICK_REPLY", q.Text))]));
        }
        return (new MetaTemplateSubmission(configured.Name!, language, Category, components), null);
    }

    /// <summary>
    /// Why Meta would refuse a body with <paramref name="parameters"/> placeholders, or null: placeholders must be
    /// <c>{{1}}</c>…<c>{{n}}</c> in order, none at the very start or end, never two side by side, and the body at most
    /// 1,024 characters.
    /// </summary>
    public static string? Problem(string body, int parameters)
    {
        ArgumentNullException.ThrowIfNull(body);
        var numbers = Placeholder().Matches(body).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).ToList();
        if (!numbers.SequenceEqual(Enumerable.Range(1, parameters)))
        {
            return $"its placeholders are {Placeholders(numbers)}, where {Placeholders(Enumerable.Range(1, parameters))} are expected";
        }
        var trimmed = body.Trim();
        if (parameters > 0 && (trimmed.StartsWith("{{", StringComparison.Ordinal) || trimmed.EndsWith("}}", StringComparison.Ordinal)))
        {
            return "it starts or ends with a placeholder";
        }
        if (Adjacent().IsMatch(body))
        {
            return "two placeholders stand side by side";
        }
        return body.Length > MaxBodyLength ? $"it is {body.Length} characters long, over {MaxBodyLength}" : null;
    }

    private static string Placeholders(IEnumerable<int> numbers) =>
        numbers.Any() ? string.Join(" ", numbers.Select(n => "{{" + n.ToString(CultureInfo.InvariantCulture) + "}}")) : "none";

    [GeneratedRegex(@"\{\{(\d+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\}\}\s*\{\{")]
    private static partial Regex Adjacent();
}
