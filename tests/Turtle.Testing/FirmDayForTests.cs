using System.Globalization;

namespace Turtle.Testing;

/// <summary>
/// A firm's day that suits a test run at any hour: a fixed-offset zone (<c>Etc/GMT±N</c>) where it is mid-morning now, so
/// the agenda time can be set a little ahead and the day still has hours of meetings after it.
/// </summary>
public sealed class FirmDayForTests
{
    public FirmDayForTests(TimeSpan agendaIn, DateTimeOffset? now = null)
    {
        var utc = now ?? DateTimeOffset.UtcNow;
        var offset = 10 - utc.UtcDateTime.Hour;
        offset = offset > 14 ? offset - 24 : offset < -12 ? offset + 24 : offset;
        // Etc/GMT names count the other way round: Etc/GMT-5 is five hours ahead of UTC.
        Zone = offset == 0 ? "Etc/UTC" : offset > 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}";
        Offset = TimeSpan.FromHours(offset);
        AgendaAt = utc + agendaIn;
        var local = AgendaAt.ToOffset(Offset);
        AgendaTime = local.TimeOfDay.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        AgendaAt = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, Offset);
        Day = DateOnly.FromDateTime(local.DateTime);
    }

    /// <summary><c>Notifications:FirmTimeZone</c>.</summary>
    public string Zone { get; }

    public TimeSpan Offset { get; }

    /// <summary><c>Notifications:AgendaTime</c>, to the second.</summary>
    public string AgendaTime { get; }

    /// <summary>When today's agenda falls due.</summary>
    public DateTimeOffset AgendaAt { get; }

    /// <summary>The firm's today.</summary>
    public DateOnly Day { get; }

    /// <summary>A time of the firm's today, <paramref name="hoursAfterAgenda"/> after the agenda time.</summary>
    public DateTimeOffset Today(double hoursAfterAgenda) => AgendaAt + TimeSpan.FromHours(hoursAfterAgenda);

    /// <summary><c>14:30</c>: how an agenda shows a meeting's start.</summary>
    public string Clock(DateTimeOffset at) => at.ToOffset(Offset).ToString("HH:mm", CultureInfo.InvariantCulture);
}
