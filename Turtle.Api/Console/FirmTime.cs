using System.Globalization;
using Turtle.Grains;

namespace Turtle.Api.OperationsConsole;

/// <summary>
/// Days and times in the firm's time zone (<c>Notifications:FirmTimeZone</c>, the calendar the advisors' agendas keep
/// too), as every console page shows them.
/// </summary>
public sealed class FirmClock(FirmCalendar calendar, TimeProvider time)
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public string ZoneId => calendar.ZoneId;
    public TimeZoneInfo Zone => calendar.Zone;

    public DateTimeOffset Now => time.GetUtcNow();
    public DateOnly Today => DayOf(Now);

    public DateTimeOffset ToLocal(DateTimeOffset at) => calendar.ToLocal(at);
    public DateOnly DayOf(DateTimeOffset at) => calendar.DayOf(at);

    /// <summary>Local midnight of <paramref name="day"/>; where a clock change skips midnight, the first valid time after it.</summary>
    public DateTimeOffset StartOf(DateOnly day) => calendar.StartOf(day);

    /// <summary><c>14:30</c></summary>
    public string Time(DateTimeOffset at) => ToLocal(at).ToString("HH:mm", Culture);

    /// <summary><c>Tue 25 Nov, 14:30</c></summary>
    public string DayAndTime(DateTimeOffset at) => ToLocal(at).ToString("ddd d MMM, HH:mm", Culture);

    /// <summary><c>Tue 25 Nov 2026, 14:30</c></summary>
    public string Full(DateTimeOffset at) => ToLocal(at).ToString("ddd d MMM yyyy, HH:mm", Culture);

    /// <summary><c>Tuesday 25 November 2026</c></summary>
    public static string DayHeading(DateOnly day) => day.ToString("dddd d MMMM yyyy", Culture);

    /// <summary><c>Tue 25 Nov</c></summary>
    public static string ShortDay(DateOnly day) => day.ToString("ddd d MMM", Culture);

    /// <summary>Machine-readable form for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", Culture);
}
