using System.Globalization;
using System.Text;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Calendly;

namespace Turtle.Grains.Messaging;

/// <summary>
/// Turns a booking and its advisor into a template's body parameters: variables resolved, the meeting
/// time shown in the invitee's zone, and every value cleaned to what Meta accepts in a parameter.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>Longest value put in one parameter; a template body may hold 1024 characters in all.</summary>
    public const int MaxParameterLength = 700;

    /// <summary>Meta refuses an empty body parameter.</summary>
    public const string EmptyValue = "-";

    private const char Ellipsis = '…';

    /// <summary>
    /// The body parameters for <paramref name="variableNames"/>, in order, sanitised. <paramref name="teamName"/> stands in
    /// for <c>advisor_name</c> while no advisor is assigned; <paramref name="bookingUrl"/> is <c>Calendly:BookingUrl</c>.
    /// </summary>
    public static IReadOnlyList<string> Render(IReadOnlyList<string> variableNames, BookingDetails booking, Advisor? advisor, string? teamName = null, string? bookingUrl = null)
    {
        ArgumentNullException.ThrowIfNull(variableNames);
        return [.. variableNames.Select(name => Sanitize(Resolve(name, booking, advisor, teamName, bookingUrl: bookingUrl)))];
    }

    /// <summary>
    /// The body parameters of <paramref name="message"/>: its own <see cref="OutgoingMessage.Values"/> first, then what the
    /// booking and advisor hold, with meeting times in the message's zone.
    /// </summary>
    public static IReadOnlyList<string> Render(IReadOnlyList<string> variableNames, OutgoingMessage message, string? teamName = null, string? bookingUrl = null)
    {
        ArgumentNullException.ThrowIfNull(variableNames);
        ArgumentNullException.ThrowIfNull(message);
        return [.. variableNames.Select(name => Sanitize(message.Values.TryGetValue(name, out var value)
            ? value
            : Resolve(name, message.Booking, message.Advisor, teamName, message.TimeZone, bookingUrl, message.Language)))];
    }

    /// <summary>
    /// The raw value of one variable, before sanitising; null when nothing holds it. Meeting times are shown in
    /// <paramref name="timeZone"/>, else the invitee's zone.
    /// </summary>
    public static string? Resolve(string variableName, BookingDetails? booking, Advisor? advisor, string? teamName = null, string? timeZone = null,
        string? bookingUrl = null, string? language = null)
    {
        var zone = timeZone ?? booking?.TimeZone;
        return variableName switch
        {
            TemplateVariables.ClientName => booking?.ClientName,
            TemplateVariables.ClientFirstName => FirstName(booking?.ClientName),
            TemplateVariables.AdvisorName => advisor?.Name ?? teamName,
            TemplateVariables.AdvisorBio => advisor?.Bio,
            TemplateVariables.AdvisorTitle => advisor?.Title,
            TemplateVariables.AdvisorPhone => advisor?.Phone,
            TemplateVariables.MeetingTime => booking is null ? null : FormatMeetingTime(booking.StartTime, zone, language),
            TemplateVariables.MeetingDate => booking is null ? null : FormatMeetingDate(booking.StartTime, zone, language),
            TemplateVariables.EventName => booking?.EventName,
            TemplateVariables.JoinUrl => booking?.JoinUrl,
            TemplateVariables.CancelUrl => booking?.CancelUrl,
            TemplateVariables.RescheduleUrl => booking?.RescheduleUrl,
            // The firm's scheduling page when configured; else the booking's own link, which books another time too.
            TemplateVariables.BookingUrl => string.IsNullOrWhiteSpace(bookingUrl) ? booking?.RescheduleUrl : bookingUrl,
            TemplateVariables.ClientAnswers => booking is null ? null : FormatAnswers(booking.Answers),
            TemplateVariables.CancelReason or TemplateVariables.MeetingCount or TemplateVariables.Agenda => null,
            _ => throw new ArgumentOutOfRangeException(nameof(variableName), variableName, "Not a template variable."),
        };
    }

    /// <summary>
    /// <c>Question: answer; …</c>. The answer to a question asking for the phone is left out: it is the number Turtle
    /// writes to, and parameters end up in the dry-run outbox, where no full number may.
    /// </summary>
    public static string FormatAnswers(IEnumerable<BookingAnswer> answers) =>
        string.Join("; ", answers.Where(a => !BookingQuestions.AsksForPhone(a.Question)).Select(a => $"{a.Question.TrimEnd(' ', ':')}: {a.Answer}"));

    /// <summary><c>Tue, 25 Nov 2026, 3:30 PM (GMT+05:30)</c> in <paramref name="timeZoneId"/> (IANA; unknown → UTC).</summary>
    public static string FormatMeetingTime(DateTimeOffset instant, string? timeZoneId, string? language = null)
    {
        var local = ToZone(instant, timeZoneId);
        return string.Create(CultureInfo.InvariantCulture, $"{local.ToString("ddd, d MMM yyyy, h:mm tt", CultureOf(language))} (GMT{FormatOffset(local.Offset)})");
    }

    /// <summary><c>Tue, 25 Nov 2026</c>: the meeting's day in <paramref name="timeZoneId"/>.</summary>
    public static string FormatMeetingDate(DateTimeOffset instant, string? timeZoneId, string? language = null) =>
        ToZone(instant, timeZoneId).ToString("ddd, d MMM yyyy", CultureOf(language));

    /// <summary>
    /// Day and month names as a reader of <paramref name="language"/> expects them (<c>hi</c>: <c>सोम, 7 दिस॰ 2026</c>);
    /// English, and a language the platform does not know, keep the invariant names.
    /// </summary>
    public static CultureInfo CultureOf(string? language)
    {
        if (string.IsNullOrEmpty(language) || language.StartsWith(MessageTemplate.DefaultLanguage, StringComparison.OrdinalIgnoreCase))
        {
            return CultureInfo.InvariantCulture;
        }
        try
        {
            return CultureInfo.GetCultureInfo(language.Replace('_', '-'), predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    }

    /// <summary>
    /// What Meta accepts in a text parameter: no newlines, tabs or runs of spaces (error 132018), not empty,
    /// not too long. Every whitespace run becomes one space; a long value is cut at a word.
    /// </summary>
    public static string Sanitize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return EmptyValue;
        }
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }
            builder.Append(c);
        }
        var text = builder.ToString();
        return text.Length == 0 ? EmptyValue : Truncate(text, MaxParameterLength);
    }

    /// <summary>At most <paramref name="maxLength"/> characters, ending in an ellipsis after the last whole word that fits.</summary>
    public static string Truncate(string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= maxLength)
        {
            return value;
        }
        var cut = value[..(maxLength - 1)];
        // Cut before the word the limit falls in, unless that word is the whole text.
        var lastSpace = cut.LastIndexOf(' ');
        if (lastSpace > 0 && !char.IsWhiteSpace(value[maxLength - 1]))
        {
            cut = cut[..lastSpace];
        }
        return cut.TrimEnd(' ', ',', ';', ':', '-') + Ellipsis;
    }

    private static string? FirstName(string? name) =>
        name?.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    private static DateTimeOffset ToZone(DateTimeOffset instant, string? timeZoneId)
    {
        var zone = !string.IsNullOrWhiteSpace(timeZoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId.Trim(), out var found)
            ? found
            : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(instant, zone);
    }

    private static string FormatOffset(TimeSpan offset)
    {
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs.Hours:00}:{abs.Minutes:00}");
    }
}
