using Orleans.Concurrency;

namespace Turtle.Grains.Insights;

/// <summary>
/// Insight over a range of days, from the days' counts (one grain call per day, all at once): a quarter reads some
/// ninety small states however many bookings it holds.
/// </summary>
[StatelessWorker]
public sealed class InsightQueryGrain : Grain, IInsightQueryGrain
{
    public async Task<InsightReport> ReportAsync(DateOnly firstDay, DateOnly lastDay, string? advisor)
    {
        var days = new List<DateOnly>();
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            days.Add(day);
        }
        var counted = await Task.WhenAll(days.Select(d => GrainFactory.GetGrain<IInsightDayGrain>(BookingTallies.DayKey(d)).CountAsync()));
        var wanted = advisor is null ? null : Advisors.AdvisorAssignmentRules.NormalizeEmail(advisor);
        var total = new InsightCounts();
        var weeks = new SortedDictionary<DateOnly, InsightCounts>();
        var advisors = new SortedDictionary<string, (string? Name, InsightCounts Counts)>(StringComparer.Ordinal);
        for (var i = 0; i < days.Count; i++)
        {
            var week = WeekCounts.WeekOf(days[i]);
            if (!weeks.TryGetValue(week, out var weekCounts))
            {
                weeks[week] = weekCounts = new InsightCounts();
            }
            foreach (var counts in counted[i].Where(c => wanted is null || c.Email == wanted))
            {
                total.Add(counts.Counts);
                weekCounts.Add(counts.Counts);
                if (!advisors.TryGetValue(counts.Email, out var known))
                {
                    advisors[counts.Email] = known = (counts.Name, new InsightCounts());
                }
                known.Counts.Add(counts.Counts);
                if (counts.Name is not null && known.Name != counts.Name)
                {
                    advisors[counts.Email] = (counts.Name, known.Counts);
                }
            }
        }
        return new InsightReport
        {
            From = firstDay,
            To = lastDay,
            Advisor = wanted,
            Total = total,
            Weeks = [.. weeks.Select(w => new WeekCounts(w.Key, w.Value))],
            Advisors = [.. advisors.Select(a => new AdvisorCounts(a.Key, a.Value.Name, a.Value.Counts))],
        };
    }
}
