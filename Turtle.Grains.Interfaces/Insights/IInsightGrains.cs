namespace Turtle.Grains.Insights;

/// <summary>
/// The counts of the bookings whose meeting falls on one of the firm's days (key <c>yyyy-MM-dd</c>, in
/// <c>Notifications:FirmTimeZone</c>): each booking's latest tally, so a quarter's insight reads some ninety of these, never
/// the bookings themselves.
/// </summary>
public interface IInsightDayGrain : IGrainWithStringKey
{
    /// <summary>
    /// Keeps a booking's tally in place of the one it told before; repeating it changes nothing. True when the tally, as
    /// given, is stored; false while it is held in memory only (tell it again shortly).
    /// </summary>
    Task<bool> TallyAsync(string appointmentId, BookingTally tally);

    /// <summary>The day's counts per advisor, meetings counted as over by the time of asking.</summary>
    Task<IReadOnlyList<AdvisorCounts>> CountAsync();
}

/// <summary>How the days of insight are keyed.</summary>
public static class InsightDays
{
    /// <summary>The key of a firm's day: <c>yyyy-MM-dd</c>.</summary>
    public static string Key(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An advisor's counts (<see cref="Email"/> empty: bookings no advisor was assigned to).</summary>
[GenerateSerializer, Alias("Turtle.AdvisorCounts")]
public sealed record AdvisorCounts([property: Id(0)] string Email, [property: Id(1)] string? Name, [property: Id(2)] InsightCounts Counts);

/// <summary>One week's counts (weeks start on Monday, in the firm's zone).</summary>
[GenerateSerializer, Alias("Turtle.WeekCounts")]
public sealed record WeekCounts([property: Id(0)] DateOnly WeekStart, [property: Id(1)] InsightCounts Counts)
{
    /// <summary>The Monday of <paramref name="day"/>'s week.</summary>
    public static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
}

/// <summary>The counts of the firm's days [<see cref="From"/>, <see cref="To"/>], per week and per advisor, and in all.</summary>
[GenerateSerializer, Alias("Turtle.InsightReport")]
public sealed record InsightReport
{
    [Id(0)] public DateOnly From { get; init; }
    [Id(1)] public DateOnly To { get; init; }
    /// <summary>Only this advisor's bookings were counted; null: everyone's.</summary>
    [Id(2)] public string? Advisor { get; init; }
    [Id(3)] public InsightCounts Total { get; init; } = new();
    [Id(4)] public IReadOnlyList<WeekCounts> Weeks { get; init; } = [];
    [Id(5)] public IReadOnlyList<AdvisorCounts> Advisors { get; init; } = [];
}

/// <summary>Insight over a range of days (key 0; a stateless worker on every silo).</summary>
public interface IInsightQueryGrain : IGrainWithIntegerKey
{
    /// <summary>The counts of the meetings on the firm's days [<paramref name="firstDay"/>, <paramref name="lastDay"/>], of one advisor (e-mail) or all.</summary>
    Task<InsightReport> ReportAsync(DateOnly firstDay, DateOnly lastDay, string? advisor);
}
