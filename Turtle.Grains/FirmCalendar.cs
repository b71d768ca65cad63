using Microsoft.Extensions.Options;
using Turtle.Grains.Delivery;

namespace Turtle.Grains;

/// <summary>
/// Days and local times in the firm's own zone (<c>Notifications:FirmTimeZone</c>), as the console and the advisors'
/// agenda count them. Clock changes are resolved one way everywhere: a local time a change skips becomes the first valid
/// time after it, and a local time that happens twice is its first occurrence.
/// </summary>
public sealed class FirmCalendar
{
    public FirmCalendar(IOptions<NotificationOptions> options)
        : this(options?.Value.FirmTimeZone ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    public FirmCalendar(string zoneId)
    {
        ZoneId = zoneId;
        Zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
    }

    public string ZoneId { get; }
    public TimeZoneInfo Zone { get; }

    public static bool IsIanaZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    public DateTimeOffset ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>The firm's calendar day <paramref name="at"/> falls on.</summary>
    public DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(ToLocal(at).DateTime);

    /// <summary>Local midnight of <paramref name="day"/> (or the first valid time after it).</summary>
    public DateTimeOffset StartOf(DateOnly day) => At(day, TimeSpan.Zero);

    /// <summary>The instant the firm's clocks show <paramref name="timeOfDay"/> on <paramref name="day"/>.</summary>
    public DateTimeOffset At(DateOnly day, TimeSpan timeOfDay)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified) + timeOfDay;
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }
        // The earlier of two occurrences has the larger offset (summer time, before the clocks go back).
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
