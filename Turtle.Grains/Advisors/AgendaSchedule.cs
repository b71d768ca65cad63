using System.Globalization;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Advisors;

/// <summary>
/// The advisors' daily agenda as decisions (SPEC §5): which day a meeting belongs to, when that day's agenda falls due
/// (<c>Notifications:AgendaTime</c> in <c>Notifications:FirmTimeZone</c>), until when a late one still goes, and how its
/// list reads.
/// </summary>
public sealed class AgendaSchedule(FirmCalendar firm, IOptions<NotificationOptions> options)
{
    public FirmCalendar Firm => firm;

    /// <summary>When the agenda of <paramref name="day"/> is sent.</summary>
    public DateTimeOffset DueAt(DateOnly day) => firm.At(day, options.Value.AgendaTime);

    /// <summary>The meetings an agenda lists: those starting within the firm's calendar day.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Window(DateOnly day) => (firm.StartOf(day), firm.StartOf(day.AddDays(1)));

    /// <summary>An agenda held up (the cluster down at its time) still goes until its day is over, never after.</summary>
    public DateTimeOffset SendBy(DateOnly day) => firm.StartOf(day.AddDays(1));

    /// <summary>
    /// The agenda a meeting starting at <paramref name="start"/> with <paramref name="advisorEmail"/> belongs to, or null
    /// when that agenda's time has passed: a meeting booked after it is told by its own AdvisorBooked notice.
    /// </summary>
    public string? AgendaToArm(string advisorEmail, DateTimeOffset start, DateTimeOffset now)
    {
        var day = firm.DayOf(start);
        return now < DueAt(day) ? AgendaKey.For(day, advisorEmail) : null;
    }

    /// <summary>The agenda's first message, due at its time, as the grain plans it before anything is stored.</summary>
    public Notification Plan(DateOnly day) =>
        new() { Kind = NotificationKind.AdvisorAgenda, DueAt = DueAt(day), State = NotificationState.Pending };

    /// <summary><c>10:00 Asha R.; 14:30 Ravi M.</c>: each meeting's local start and the client's first name with an initial.</summary>
    public string Format(IEnumerable<AgendaMeeting> meetings) =>
        string.Join("; ", meetings.OrderBy(m => m.Start).Select(m =>
            $"{firm.ToLocal(m.Start).ToString("HH:mm", CultureInfo.InvariantCulture)} {ShortName(m.ClientName)}"));

    /// <summary><c>Asha Rao</c> → <c>Asha R.</c>; one name stays as it is; a name is never shown in full beyond its first word.</summary>
    public static string ShortName(string? clientName)
    {
        var words = (clientName ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.Length switch
        {
            0 => "(no name)",
            1 => words[0],
            _ => $"{words[0]} {char.ToUpperInvariant(words[^1][0])}.",
        };
    }
}
