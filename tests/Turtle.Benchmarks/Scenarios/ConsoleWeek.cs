using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using Turtle.OperationsConsole.Tests.Browser;
using Turtle.Testing.OperationsConsole;
using Turtle.Testing.Processes;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// The console's week page with 1,000 bookings in it (SPEC §11: within 1 s): the whole document over HTTP, and the
/// page in Debian's chromium up to its load event, five times each after one untimed load.
/// </summary>
public static class ConsoleWeek
{
    private const int Repetitions = 5;

    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("console", settings.Smoke, settings.Environment);
        var count = settings.Smoke ? 30 : settings.ConsoleBookings;

        await using var turtle = new TurtleDeployment();
        await turtle.StartAsync();
        using var bookings = new BookingLoad(turtle.ApiBase);

        // Spread over the page's window: today and the next 7 days in Asia/Kolkata, from 20 minutes ahead.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date;
        var windowEnd = new DateTimeOffset(today.AddDays(8), zone.GetUtcOffset(today.AddDays(8)));
        var first = DateTimeOffset.UtcNow.AddMinutes(20);
        var span = windowEnd - TimeSpan.FromHours(1) - first;
        var posted = await bookings.RunCountAsync(count, 32, i => first + span * (i / (double)count));
        result.MustBeZero("webhooks not acked", posted.Count(b => b.Status != 200));

        using var session = new ConsoleSession(turtle.ApiBase);
        using var signIn = await session.SignInAsync(TurtleDeployment.AdminKey);
        if (signIn.StatusCode != HttpStatusCode.Redirect || !session.SignedIn)
        {
            throw new InvalidOperationException($"sign-in answered {(int)signIn.StatusCode}");
        }
        var expected = count.ToString("#,0", CultureInfo.InvariantCulture) + " meetings over 8 days";

        var untimed = await FetchAsync(session);
        result.Add("first load after sign-in (not in the median)", untimed.Milliseconds, "ms");
        var fetches = new List<Fetch>();
        var cpu = CpuUsage.Start(new Dictionary<string, int> { ["silo"] = turtle.Silos[0].Id, ["api"] = turtle.Api!.Id });
        var load = SystemLoad();
        for (var i = 0; i < Repetitions; i++)
        {
            fetches.Add(await FetchAsync(session));
        }
        var cpuSeconds = cpu.Seconds();
        result.MustBeZero("loads without every booking", fetches.Count(f => !f.Html.Contains(expected, StringComparison.Ordinal)));
        result.Add("week page over HTTP, median of 5", Stats.Median(fetches.Select(f => f.Milliseconds)), "ms", 1000, higherIsBetter: false);
        result.Add("week page over HTTP, slowest of 5", fetches.Max(f => f.Milliseconds), "ms");
        result.Add("of which grain calls, median", Stats.Median(fetches.Select(f => f.GrainMilliseconds)), "ms");
        result.Add("page size", fetches[0].Html.Length / 1024.0, "KiB");
        // The machine is shared: what the page itself costs, whatever else runs beside it.
        result.Add("API CPU per page", cpuSeconds["api"] * 1000 / Repetitions, "ms");
        result.Add("silo CPU per page (with the messages it sends meanwhile)", cpuSeconds["silo"] * 1000 / Repetitions, "ms");
        result.Details["loadAverageDuringHttp"] = load;

        if (ChromiumBrowser.IsInstalled)
        {
            var browser = await BrowserLoadsAsync(turtle.ApiBase, count);
            result.Add("week page in chromium to load event, median of 5", Stats.Median(browser.Select(b => b.Load)), "ms", 1000, higherIsBetter: false);
            result.Add("week page in chromium to load event, slowest of 5", browser.Max(b => b.Load), "ms");
            result.Add("of which to the last byte of the document, median", Stats.Median(browser.Select(b => b.ResponseEnd)), "ms");
            result.Add("of which to DOMContentLoaded, median", Stats.Median(browser.Select(b => b.DomContentLoaded)), "ms");
            result.Add("chromium renderer main-thread CPU per load, median (on a fresh page)", Stats.Median(browser.Select(b => b.RendererCpu)), "ms");
        }
        else
        {
            result.Notes.Add($"{ChromiumBrowser.ExecutablePath} is not installed: the page was timed over HTTP only.");
        }
        result.Details["httpMilliseconds"] = fetches.Select(f => f.Milliseconds).ToList();
        result.Notes.Add($"Load average of the machine when the HTTP loads began: {load.ToString("0.0", CultureInfo.InvariantCulture)} on {Environment.ProcessorCount} cores.");
        result.Notes.Add($"{count} bookings over today and the next 7 days (Asia/Kolkata), one silo; the page reads them through AppointmentQueries, " +
            $"one call to the query grain (which asks the index shards, then every booking, in parallel on the silo). Times are from the request to the last byte (HTTP) and from " +
            $"navigation start to the load event (chromium, {Repetitions} navigations), after one untimed load.");
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    private sealed record Fetch(double Milliseconds, double GrainMilliseconds, string Html);

    private static async Task<Fetch> FetchAsync(ConsoleSession session)
    {
        var watch = Stopwatch.StartNew();
        using var response = await session.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        var elapsed = watch.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        // Server-Timing: grains;dur=123.4
        var timing = response.Headers.TryGetValues("Server-Timing", out var values) ? values.First() : "";
        var grains = double.TryParse(timing[(timing.IndexOf("dur=", StringComparison.Ordinal) + 4)..], CultureInfo.InvariantCulture, out var ms) ? ms : double.NaN;
        return new Fetch(elapsed, grains, html);
    }

    private sealed record BrowserLoad(double ResponseEnd, double DomContentLoaded, double Load, double RendererCpu);

    private static async Task<List<BrowserLoad>> BrowserLoadsAsync(Uri apiBase, int count)
    {
        await using var browser = await ChromiumBrowser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(apiBase, "/login").ToString());
        await page.GetByLabel("Admin key").FillAsync(TurtleDeployment.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ChromiumBrowser.SignedInAsync(page, apiBase);
        var times = new List<BrowserLoad>();
        for (var i = 0; i < Repetitions; i++)
        {
            // A page of its own each time: its renderer's main-thread CPU time then counts this load alone (and the
            // renderer's start, a few milliseconds).
            await page.CloseAsync();
            page = await browser.Context.NewPageAsync();
            var devtools = await browser.Context.NewCDPSessionAsync(page);
            await devtools.SendAsync("Performance.enable");
            await page.GotoAsync(new Uri(apiBase, "/").ToString(), new() { WaitUntil = WaitUntilState.Load });
            var rendererCpu = await MainThreadSecondsAsync(devtools) * 1000;
            var timing = await page.EvaluateAsync<double[]>(
                "(() => { const n = performance.getEntriesByType('navigation')[0]; return [n.responseEnd, n.domContentLoadedEventEnd, n.loadEventEnd]; })()");
            times.Add(new BrowserLoad(timing[0], timing[1], timing[2], rendererCpu));
            var rows = await page.Locator("table.bookings tbody tr").CountAsync();
            if (rows != count)
            {
                throw new InvalidOperationException($"the week page showed {rows} bookings, not {count}");
            }
        }
        return times;
    }

    /// <summary>CPU time of the renderer's main thread so far (DevTools' Performance.getMetrics, ThreadTime).</summary>
    private static async Task<double> MainThreadSecondsAsync(ICDPSession devtools)
    {
        var metrics = await devtools.SendAsync("Performance.getMetrics");
        foreach (var metric in metrics!.Value.GetProperty("metrics").EnumerateArray())
        {
            if (metric.GetProperty("name").GetString() == "ThreadTime")
            {
                return metric.GetProperty("value").GetDouble();
            }
        }
        return double.NaN;
    }

    /// <summary>The 1-minute load average: how busy the shared machine was.</summary>
    private static double SystemLoad() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
