using System.Text.RegularExpressions;
using Turtle.Grains.Appointments;
using static Turtle.Grains.Messaging.TemplateVariables;

namespace Turtle.Grains.Messaging;

/// <summary>
/// A kind's default WhatsApp template (SPEC §6): its name, the variables of its body parameters in order, and its
/// English wording with <c>{{1}}</c>… placeholders — what <c>./turtle whatsapp templates --create</c> submits and
/// what the dry-run outbox shows.
/// </summary>
public sealed partial record MessageTemplate(NotificationKind Kind, string Name, IReadOnlyList<string> Parameters, string Body)
{
    public const string DefaultLanguage = "en";

    /// <summary>Quick-reply buttons, in order, each answered with <c>&lt;appointment id&gt;:&lt;payload&gt;</c>.</summary>
    public IReadOnlyList<QuickReply> QuickReplies { get; init; } = [];

    public WhatsAppTemplateOptions ToOptions()
    {
        var options = new WhatsAppTemplateOptions { Name = Name, Language = DefaultLanguage };
        options.Parameters.AddRange(Parameters);
        return options;
    }

    /// <summary>The body with <paramref name="values"/> in its placeholders.</summary>
    public string Fill(IReadOnlyList<string> values) =>
        Placeholder().Replace(Body, m => int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) is var n && n >= 1 && n <= values.Count ? values[n - 1] : m.Value);

    [GeneratedRegex(@"\{\{(\d+)\}\}")]
    private static partial Regex Placeholder();
}

/// <summary>A quick-reply button: the text the client sees and what comes back when tapped.</summary>
public sealed record QuickReply(string Text, string Payload);

/// <summary>
/// Every kind's default template, in one place. Meta refuses a template whose body starts or ends with a placeholder,
/// so every body has words on both sides of its placeholders.
/// </summary>
public static class MessageTemplates
{
    /// <summary>What Meta's reviewers see in place of each variable when a template is submitted (an unlisted one shows <see cref="DefaultExample"/>).</summary>
    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        [ClientName] = "Asha Rao",
        [ClientFirstName] = "Asha",
        [AdvisorName] = "Priya Sharma",
        [AdvisorBio] = "Priya has guided families through retirement and education planning for twelve years.",
        [AdvisorTitle] = "Senior Wealth Advisor",
        [AdvisorPhone] = "+91 98765 00001",
        [MeetingTime] = "Tue, 25 Nov 2026, 3:30 PM (GMT+05:30)",
        [MeetingDate] = "Tue, 25 Nov 2026",
        [EventName] = "Financial planning consultation",
        [JoinUrl] = "https://meet.google.com/abc-defg-hij",
        [CancelUrl] = "https://calendly.com/cancellations/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69",
        [RescheduleUrl] = "https://calendly.com/reschedulings/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69",
        ["booking_url"] = "https://calendly.com/turtle-advice",
        ["client_answers"] = "What would you like to discuss?: Retirement planning",
        ["cancel_reason"] = "Travelling that week",
        ["meeting_count"] = "3",
        ["agenda"] = "10:00 Asha R.; 14:30 Ravi M.",
    };

    public const string DefaultExample = "example";

    private static readonly Dictionary<NotificationKind, MessageTemplate> Templates = new MessageTemplate[]
    {
        new(NotificationKind.Confirmation, "turtle_booking_confirmation", [ClientName, MeetingTime, AdvisorName],
            "Hello {{1}}, your meeting is booked for {{2}} with {{3}}. We will send you your advisor's details the day before."),
        new(NotificationKind.Rescheduled, "turtle_booking_rescheduled", [ClientName, MeetingTime, AdvisorName],
            "Hello {{1}}, your meeting has moved to {{2}}, with {{3}}."),
        new(NotificationKind.AdvisorBio, "turtle_advisor_bio", [ClientName, AdvisorName, AdvisorBio, MeetingTime],
            "Hello {{1}}, you will meet {{2}}. {{3}} See you on {{4}}."),
        new(NotificationKind.Reminder, "turtle_meeting_reminder", [ClientName, MeetingTime, JoinUrl],
            "Hello {{1}}, a reminder that your meeting is at {{2}}. Join with this link: {{3}} and see you soon."),
        new(NotificationKind.Cancellation, "turtle_booking_cancelled", [ClientName, MeetingTime, RescheduleUrl],
            "Hello {{1}}, your meeting on {{2}} is cancelled. You can book another time at {{3}} whenever it suits you."),
    }.ToDictionary(t => t.Kind);

    public static MessageTemplate Of(NotificationKind kind) =>
        Templates.TryGetValue(kind, out var template) ? template : throw new ArgumentOutOfRangeException(nameof(kind), kind, "No default template for this kind.");

    public static IEnumerable<MessageTemplate> All => Templates.Values;

    /// <summary>A sample value of <paramref name="variable"/> for Meta's review.</summary>
    public static string ExampleOf(string variable) => Examples.GetValueOrDefault(variable, DefaultExample);
}
