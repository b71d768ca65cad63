using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Turtle.Api.OperationsConsole;

/// <summary>The part of the <c>Notifications</c> section the console reads: the firm's own time zone.</summary>
public sealed class FirmTimeZoneOptions
{
    public const string Section = "Notifications";
    public const string DefaultTimeZone = "Asia/Kolkata";

    /// <summary>IANA id of the zone the console's days and times are shown in.</summary>
    [Required(ErrorMessage = "Notifications:FirmTimeZone is required (an IANA time zone such as Asia/Kolkata).")]
    public string FirmTimeZone { get; set; } = DefaultTimeZone;

    internal static bool IsIanaZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;
}

/// <summary>Days and times in the firm's time zone, as every console page shows them.</summary>
public sealed class FirmClock(IOptions<FirmTimeZoneOptions> options, TimeProvider time)
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public string ZoneId { get; } = options.Value.FirmTimeZone;
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.FirmTimeZone);

    public DateTimeOffset Now => time.GetUtcNow();
    public DateOnly Today => DayOf(Now);

    public DateTimeOffset ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);
    public DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(ToLocal(at).DateTime);

    /// <summary>Local midnight of <paramref name="day"/>; where a clock change skips midnight, the first valid time after it.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

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
