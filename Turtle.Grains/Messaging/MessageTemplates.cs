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

    /// <summary>
    /// Quick-reply buttons, in order (their index in the template), each answered with <c>&lt;appointment id&gt;:&lt;payload&gt;</c>.
    /// A template an operator maps the kind to must have its buttons in this order.
    /// </summary>
    public IReadOnlyList<QuickReply> QuickReplies { get; init; } = [];

    /// <summary>The category the kind is written for (SPEC §6): every kind is about the client's own booking.</summary>
    public string IntendedCategory { get; init; } = Templates.TemplateCategories.Intended;

    /// <summary>What each button sends back for <paramref name="appointmentId"/>, in button order.</summary>
    public IReadOnlyList<string> ButtonPayloads(string appointmentId) => [.. QuickReplies.Select(q => AttendanceButton.For(appointmentId, q.Payload))];

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
/// Every kind's default template, in one place, each worded to pass <see cref="TemplateSubmission.Problem"/>: words on
/// both sides of every placeholder and between any two, enough fixed words, nothing promotional. A re-book invitation
/// is Meta's own example of marketing, so NoShow's wording reports what happened to the client's meeting and leaves
/// the choice to them.
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
        [BookingUrl] = "https://calendly.com/turtle-advice",
        [ClientAnswers] = "What would you like to discuss?: Retirement planning",
        [CancelReason] = "Travelling that week",
        [MeetingCount] = "3",
        [Agenda] = "10:00 Asha R.; 14:30 Ravi M.",
    };

    public const string DefaultExample = "example";

    private static readonly Dictionary<NotificationKind, MessageTemplate> Templates = new MessageTemplate[]
    {
        new(NotificationKind.Confirmation, "turtle_booking_confirmation", [ClientName, MeetingTime, AdvisorName],
            "Hello {{1}}, your meeting is booked for {{2}} with {{3}}. We will send you your advisor's details the day before."),
        new(NotificationKind.Rescheduled, "turtle_booking_rescheduled", [ClientName, MeetingTime, AdvisorName],
            "Hello {{1}}, your meeting has been moved to {{2}}. Your advisor for it is {{3}}, and the details are in your calendar invitation."),
        new(NotificationKind.AdvisorBio, "turtle_advisor_bio", [ClientName, AdvisorName, AdvisorBio, MeetingTime],
            "Hello {{1}}, your advisor for the meeting is {{2}}. About your advisor: {{3}} Your meeting is on {{4}}; reply to this message with any questions before then."),
        new(NotificationKind.Reminder, "turtle_meeting_reminder", [ClientName, MeetingTime, JoinUrl],
            "Hello {{1}}, a reminder that your meeting is at {{2}}. Join with this link: {{3}} and see you soon."),
        new(NotificationKind.Cancellation, "turtle_booking_cancelled", [ClientName, MeetingTime, RescheduleUrl],
            "Hello {{1}}, your meeting on {{2}} is cancelled. You can book another time at {{3}} whenever it suits you."),
        new(NotificationKind.Reconfirm, "turtle_attendance_check", [ClientName, MeetingTime, AdvisorName],
            "Hello {{1}}, will you attend your meeting on {{2}} with {{3}}? Please tap a button below.")
        {
            QuickReplies = [new("Yes, I will attend", AttendanceButton.Attend), new("No, I cannot make it", AttendanceButton.Decline), new("Cancel the meeting", AttendanceButton.Cancel)],
        },
        new(NotificationKind.RescheduleOffer, "turtle_reschedule_offer", [ClientName, RescheduleUrl],
            "Hello {{1}}, sorry you cannot make it. Pick another time that suits you here: {{2}} and we will see you then."),
        new(NotificationKind.FollowUp, "turtle_meeting_follow_up", [ClientName, AdvisorName],
            "Hello {{1}}, thank you for meeting {{2}} today. Reply to this message if you have any questions."),
        new(NotificationKind.NoShow, "turtle_missed_meeting", [ClientName, AdvisorName, BookingUrl],
            "Hello {{1}}, your meeting with {{2}} did not take place because you did not join it. If you still need this consultation, choose a new time for it here: {{3}} or reply to this message."),
        new(NotificationKind.AdvisorBooked, "turtle_advisor_new_booking", [AdvisorName, ClientName, MeetingTime, ClientAnswers],
            "Hello {{1}}, your client {{2}} has booked a meeting with you on {{3}}. Their answers: {{4}}. Details are in your calendar."),
        new(NotificationKind.AdvisorCancelled, "turtle_advisor_booking_cancelled", [AdvisorName, ClientName, MeetingTime, CancelReason],
            "Hello {{1}}, your client {{2}} has cancelled the meeting on {{3}}. Reason given: {{4}}. The time is open again in your calendar."),
        new(NotificationKind.AdvisorDeclined, "turtle_advisor_client_declined", [AdvisorName, ClientName, MeetingTime],
            "Hello {{1}}, your client {{2}} has told us they cannot attend the meeting on {{3}}. We have offered them another time."),
        new(NotificationKind.AdvisorAgenda, "turtle_advisor_daily_agenda", [AdvisorName, MeetingCount, Agenda],
            "Good morning {{1}}, you have {{2}} meeting(s) today: {{3}} Have a good day."),
    }.ToDictionary(t => t.Kind);

    public static MessageTemplate Of(NotificationKind kind) =>
        Templates.TryGetValue(kind, out var template) ? template : throw new ArgumentOutOfRangeException(nameof(kind), kind, "No default template for this kind.");

    public static IEnumerable<MessageTemplate> All => Templates.Values;

    /// <summary>A sample value of <paramref name="variable"/> for Meta's review.</summary>
    public static string ExampleOf(string variable) => Examples.GetValueOrDefault(variable, DefaultExample);
}
