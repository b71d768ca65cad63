using System.Globalization;
using System.Text;
using Turtle.Grains.Appointments;
using Turtle.Grains.Insights;

namespace Turtle.Api.Insights;

/// <summary><c>GET /api/insights</c>: the counts and rates of SPEC §16 in all, per week and per advisor.</summary>
public sealed record InsightResponse(DateOnly From, DateOnly To, string? Advisor, InsightRow Total, IReadOnlyList<InsightWeek> Weeks, IReadOnlyList<InsightAdvisor> Advisors)
{
    public static InsightResponse Of(InsightReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.From, report.To, report.Advisor, InsightRow.From(report.Total),
            [.. report.Weeks.Select(w => new InsightWeek(w.WeekStart, InsightRow.From(w.Counts)))],
            [.. report.Advisors.Select(a => new InsightAdvisor(a.Email.Length == 0 ? null : a.Email, a.Name, InsightRow.From(a.Counts)))]);
    }

    /// <summary>One CSV (RFC 4180, a header row): a row per scope (total, week, advisor) and, below each, a row per message kind.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder(string.Join(',', Columns)).Append("\r\n");
        Rows(csv, "total", "", null, Total);
        foreach (var week in Weeks)
        {
            Rows(csv, "week", Day(week.WeekStart), null, week.Counts);
        }
        foreach (var advisor in Advisors)
        {
            Rows(csv, "advisor", advisor.Email ?? "", advisor.Name, advisor.Counts);
        }
        return csv.ToString();
    }

    private static readonly string[] Columns =
    [
        "scope", "key", "name", "kind", "bookings", "cancelled", "rescheduled", "reconfirmsDelivered", "attendTaps", "declineTaps",
        "cancelTaps", "noShows", "followUps", "heldOrMissed", "confirmationRate", "noShowRate", "readRate",
        "sent", "delivered", "read", "failed", "latenessP95Seconds",
    ];

    private static void Rows(StringBuilder csv, string scope, string key, string? name, InsightRow row)
    {
        Line(csv, [scope, key, name, "", N(row.Bookings), N(row.Cancelled), N(row.Rescheduled), N(row.ReconfirmsDelivered), N(row.AttendTaps),
            N(row.DeclineTaps), N(row.CancelTaps), N(row.NoShows), N(row.FollowUps), N(row.HeldOrMissed), R(row.ConfirmationRate),
            R(row.NoShowRate), R(row.ReadRate), "", "", "", "", ""]);
        foreach (var m in row.Messages)
        {
            Line(csv, [scope, key, name, m.Kind.ToString(), "", "", "", "", "", "", "", "", "", "", "", "", R(m.ReadRate),
                N(m.Sent), N(m.Delivered), N(m.Read), N(m.Failed), R(m.LatenessP95Seconds)]);
        }
    }

    private static void Line(StringBuilder csv, string?[] fields) => csv.AppendJoin(',', fields.Select(Field)).Append("\r\n");

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string R(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "";

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Field(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}

public sealed record InsightWeek(DateOnly WeekStart, InsightRow Counts);

/// <summary>An advisor's counts; <see cref="Email"/> null for bookings no advisor was assigned to.</summary>
public sealed record InsightAdvisor(string? Email, string? Name, InsightRow Counts);

/// <summary>Counts and rates; a rate is null when its denominator is 0.</summary>
public sealed record InsightRow(
    int Bookings, int Cancelled, int Rescheduled, int ReconfirmsDelivered, int AttendTaps, int DeclineTaps, int CancelTaps,
    int NoShows, int FollowUps, int HeldOrMissed, double? ConfirmationRate, double? NoShowRate, double? ReadRate,
    IReadOnlyList<InsightMessages> Messages)
{
    public static InsightRow From(InsightCounts c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Bookings, c.Cancelled, c.Rescheduled, c.ReconfirmsDelivered, c.AttendTaps, c.DeclineTaps, c.CancelTaps,
            c.NoShows, c.FollowUps, c.HeldOrMissed, c.ConfirmationRate, c.NoShowRate, c.ReadRate,
            [.. c.Messages.OrderBy(m => m.Key).Select(m => InsightMessages.From(m.Key, m.Value))]);
    }
}

/// <summary>
/// One kind's messages. <see cref="LatenessP95Seconds"/> is the bound of the lateness bucket 95 % fell under (the buckets of
/// <c>turtle_message_lateness_seconds</c>); past the last bound it is that bound (a day): "at least".
/// </summary>
public sealed record InsightMessages(NotificationKind Kind, int Sent, int Delivered, int Read, int Failed, double? ReadRate, double? LatenessP95Seconds)
{
    public static InsightMessages From(NotificationKind kind, MessageCounts m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var p95 = m.LatenessP95;
        return new(kind, m.Sent, m.Delivered, m.Read, m.Failed, InsightCounts.Rate(m.Read, m.Delivered),
            p95 is { } p && double.IsPositiveInfinity(p) ? MessageCounts.LatenessBounds[^1] : p95);
    }
}
