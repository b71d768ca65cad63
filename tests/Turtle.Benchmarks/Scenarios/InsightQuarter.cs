using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using Turtle.Grains.Appointments;
using Turtle.Grains.Insights;
using Turtle.OperationsConsole.Tests.Browser;
using Turtle.Testing.OperationsConsole;
using Turtle.Testing.Processes;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// SPEC §16's quarter: the counts of 13 weeks × 500 bookings a week, stored in the days of insight as the bookings tell
/// them (each booking's tally through <see cref="IInsightDayGrain.TallyAsync"/>; the bookings themselves are not
/// made, their counts are what the page reads), then <c>GET /api/insights</c> and the console's <c>/insights</c> in
/// Debian's chromium, five times each after one untimed load, and once with every day read from storage again.
/// </summary>
public static class InsightQuarter
{
    private const int Repetitions = 5;
    private static readonly string[] Advisors = ["priya.sharma@turtle.example", "arjun.mehta@turtle.example", "kavya.iyer@turtle.example", "rahul.bose@turtle.example", "neha.kulkarni@turtle.example"];

    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("insights", settings.Smoke, settings.Environment);
        var (weeks, perWeek) = settings.Smoke ? (2, 20) : (13, 500);

        await using var turtle = new TurtleDeployment();
        await turtle.StartAsync();
        await using var control = await ClusterControl.ConnectAsync(turtle.ClusterId);

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var first = WeekCounts.WeekOf(today).AddDays(-7 * (weeks - 1));
        var last = first.AddDays(7 * weeks - 1);
        var count = weeks * perWeek;
        var random = new Random(36);
        var tallies = Enumerable.Range(0, count).Select(i =>
        {
            var day = first.AddDays(i * 7 * weeks / count);
            var end = new DateTimeOffset(day.ToDateTime(new TimeOnly(11, 0)), zone.BaseUtcOffset);
            return (Day: InsightDays.Key(day), Id: Guid.NewGuid().ToString(), Tally: Tally(random, Advisors[i % Advisors.Length], end));
        }).ToList();
        var seeding = Stopwatch.StartNew();
        var stored = await control.TallyAsync(tallies);
        result.Add("tallies stored (13 weeks × 500 bookings)", stored, "bookings");
        result.Add("seconds to store them (days write behind)", seeding.Elapsed.TotalSeconds, "s");
        result.MustBeZero("tallies not stored", count - stored);

        var query = $"/api/insights?from={Day(first)}&to={Day(last)}";
        using var http = turtle.CreateClient();
        var untimed = await TimeAsync(() => http.GetStringAsync(new Uri(query, UriKind.Relative)));
        result.Add("API, first load (not in the median)", untimed.Milliseconds, "ms");
        var loads = new List<(double Milliseconds, string Body)>();
        for (var i = 0; i < Repetitions; i++)
        {
            loads.Add(await TimeAsync(() => http.GetStringAsync(new Uri(query, UriKind.Relative))));
        }
        result.MustBeZero("answers without every booking", loads.Count(l => !l.Body.Contains($"\"bookings\":{count},", StringComparison.Ordinal)));
        result.Add("GET /api/insights for the quarter, median of 5", Stats.Median(loads.Select(l => l.Milliseconds)), "ms", 1000, higherIsBetter: false);
        await control.TakeDaysOutOfMemoryAsync(tallies.Select(t => t.Day).Distinct());
        var cold = await TimeAsync(() => http.GetStringAsync(new Uri(query, UriKind.Relative)));
        result.Add("GET /api/insights with every day read from storage again", cold.Milliseconds, "ms");

        using (var session = new ConsoleSession(turtle.ApiBase))
        {
            using var signIn = await session.SignInAsync(TurtleDeployment.AdminKey);
            if (signIn.StatusCode != HttpStatusCode.Redirect)
            {
                throw new InvalidOperationException($"sign-in answered {(int)signIn.StatusCode}");
            }
            var page = await TimeAsync(async () => await (await session.GetAsync($"/insights?from={Day(first)}&to={Day(last)}")).Content.ReadAsStringAsync());
            result.Add("/insights over HTTP (one load)", page.Milliseconds, "ms");
            result.Add("page size", page.Body.Length / 1024.0, "KiB");
        }

        if (ChromiumBrowser.IsInstalled)
        {
            var browser = await BrowserLoadsAsync(turtle.ApiBase, $"/insights?from={Day(first)}&to={Day(last)}", count);
            result.Add("/insights in chromium to load event, median of 5", Stats.Median(browser), "ms", 1000, higherIsBetter: false);
            result.Add("/insights in chromium to load event, slowest of 5", browser.Max(), "ms");
            result.Details["chromiumMilliseconds"] = browser;
        }
        else
        {
            result.Notes.Add($"{ChromiumBrowser.ExecutablePath} is not installed: the page was timed over HTTP only.");
        }
        result.Details["apiMilliseconds"] = loads.Select(l => l.Milliseconds).ToList();
        result.Notes.Add($"{count} bookings' tallies over {weeks} weeks ({Day(first)} to {Day(last)}, Asia/Kolkata), five advisors, one silo: the page and " +
            $"the API ask the insight query grain, which reads the {7 * weeks} days' counts in parallel (one grain per day), never a booking.");
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    /// <summary>A booking as the firm's quarter might have it: most confirmed and came, some declined, cancelled or did not show.</summary>
    private static BookingTally Tally(Random random, string advisor, DateTimeOffset end)
    {
        var marks = TallyMarks.None;
        var roll = random.NextDouble();
        marks |= roll < 0.08 ? TallyMarks.Cancelled : roll < 0.12 ? TallyMarks.Rescheduled : 0;
        if (random.NextDouble() < 0.85)
        {
            marks |= TallyMarks.ReconfirmDelivered;
            marks |= random.NextDouble() switch { < 0.65 => TallyMarks.AttendTap, < 0.75 => TallyMarks.DeclineTap, < 0.77 => TallyMarks.CancelTap, _ => 0 };
        }
        marks |= (marks & (TallyMarks.Cancelled | TallyMarks.Rescheduled)) == 0 && random.NextDouble() < 0.15 ? TallyMarks.NoShow : 0;
        marks |= (marks & (TallyMarks.Cancelled | TallyMarks.Rescheduled | TallyMarks.NoShow)) == 0 ? TallyMarks.FollowUpSent : 0;
        NotificationKind[] kinds = [NotificationKind.Confirmation, NotificationKind.AdvisorBooked, NotificationKind.AdvisorBio, NotificationKind.Reconfirm, NotificationKind.Reminder];
        return new BookingTally
        {
            Advisor = advisor,
            AdvisorName = advisor.Split('@')[0].Replace('.', ' '),
            Marks = marks,
            End = end,
            Messages = [.. kinds.Select(kind =>
            {
                var failed = random.NextDouble() < 0.02;
                var progress = failed ? MessageProgress.Failed
                    : MessageProgress.Sent | (random.NextDouble() < 0.95 ? MessageProgress.Delivered | (random.NextDouble() < 0.8 ? MessageProgress.Read : 0) : 0);
                return new MessageTally(kind, progress, failed ? null : (int)(200 + random.NextDouble() * random.NextDouble() * 20_000));
            })],
        };
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<(double Milliseconds, string Body)> TimeAsync(Func<Task<string>> load)
    {
        var watch = Stopwatch.StartNew();
        var body = await load();
        return (watch.Elapsed.TotalMilliseconds, body);
    }

    private static async Task<List<double>> BrowserLoadsAsync(Uri apiBase, string path, int count)
    {
        await using var browser = await ChromiumBrowser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(apiBase, "/login").ToString());
        await page.GetByLabel("Admin key").FillAsync(TurtleDeployment.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ChromiumBrowser.SignedInAsync(page, apiBase);
        await page.GotoAsync(new Uri(apiBase, path).ToString());
        var times = new List<double>();
        for (var i = 0; i < Repetitions; i++)
        {
            await page.CloseAsync();
            page = await browser.Context.NewPageAsync();
            await page.GotoAsync(new Uri(apiBase, path).ToString(), new() { WaitUntil = WaitUntilState.Load });
            times.Add(await page.EvaluateAsync<double>("performance.getEntriesByType('navigation')[0].loadEventEnd"));
            var summary = await page.Locator("p.summary").TextContentAsync() ?? "";
            if (!summary.Contains(count.ToString("#,0", CultureInfo.InvariantCulture) + " bookings", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"/insights did not show {count} bookings: {summary.Trim()}");
            }
        }
        return times;
    }
}
