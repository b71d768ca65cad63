using System.Globalization;
using Turtle.Grains.Insights;

namespace Turtle.Api.Insights;

/// <summary><c>from</c>, <c>to</c> (the firm's days, <c>yyyy-MM-dd</c>, both included) and <c>advisor</c> (an e-mail), checked.</summary>
public sealed record InsightRequest(DateOnly From, DateOnly To, string? Advisor)
{
    /// <summary>The longest range one call reads: a year and a week (a quarter is the common case).</summary>
    public const int MaxDays = 371;

    /// <summary>Weeks shown when no range is asked for: the current one (to its Sunday) and the twelve before it.</summary>
    public const int DefaultWeeks = 13;

    public static (InsightRequest? Request, Dictionary<string, string[]> Errors) Parse(string? from, string? to, string? advisor, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        var last = Day(to, "to", errors) ?? WeekCounts.WeekOf(today).AddDays(6);
        var first = Day(from, "from", errors) ?? WeekCounts.WeekOf(last).AddDays(-7 * (DefaultWeeks - 1));
        if (errors.Count == 0 && first > last)
        {
            errors["from"] = ["must not be after to"];
        }
        else if (errors.Count == 0 && last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            errors["to"] = [$"the range may span at most {MaxDays} days"];
        }
        var email = string.IsNullOrWhiteSpace(advisor) ? null : advisor.Trim();
        if (email is not null && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsWhiteSpace)))
        {
            errors["advisor"] = ["an advisor's e-mail address"];
        }
        return errors.Count > 0 ? (null, errors) : (new InsightRequest(first, last, email), errors);
    }

    private static DateOnly? Day(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }
        errors[field] = ["a day as yyyy-MM-dd"];
        return null;
    }
}
