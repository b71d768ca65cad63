using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Turtle.OperationsConsole.Tests.Browser;
using Turtle.Testing;
using Turtle.Testing.Processes;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Turtle.OperationsConsole.Tests;

/// <summary>The console in a real browser (Debian's chromium) against a real silo, API and Azurite.</summary>
[Collection(ConsoleDeploymentGroup.Name)]
public sealed class ConsoleBrowserTests(ConsoleDeployment turtle, ITestOutputHelper output) : IAsyncLifetime
{
    private ChromiumBrowser _browser = null!;

    public async Task InitializeAsync() => _browser = await ChromiumBrowser.LaunchAsync();

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task SigningInShowsTheWeekWithEveryBookingAndItsMessages()
    {
        var page = await _browser.Context.NewPageAsync();
        await page.GotoAsync(turtle.Url("/").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2F$"));

        await SignInAsync(page);

        await Expect(page).ToHaveURLAsync(turtle.Url("/").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Meetings from");
        var booked = Row(page, turtle.Booked);
        await Expect(booked).ToContainTextAsync("+91******0001");
        await Expect(booked).ToContainTextAsync("Priya Sharma");
        await Expect(booked.Locator(".status")).ToHaveTextAsync("booked");
        var timeline = booked.GetByRole(AriaRole.List, new() { Name = "Messages to Asha Rao" });
        await Expect(timeline.Locator("li", new() { HasText = "Confirmation" }).Locator(".stage")).ToHaveTextAsync("delivered");
        await Expect(timeline.Locator("li", new() { HasText = "Advisor bio" }).Locator(".stage")).ToHaveTextAsync("planned");
        await Expect(timeline.Locator("li", new() { HasText = "Reminder" })).ToContainTextAsync("due ");
        await Expect(Row(page, turtle.Cancelled).Locator(".status")).ToHaveTextAsync("cancelled");
        await Expect(Row(page, turtle.NoPhone).Locator(".status")).ToHaveTextAsync("no-phone");
        await Expect(Row(page, turtle.Failed).Locator("li", new() { HasText = "Confirmation" }).Locator(".stage")).ToHaveTextAsync("failed");

        // A reschedule: the earlier booking is listed as rescheduled with its planned messages withdrawn; the new one is
        // booked and announced with the Rescheduled message, not a second confirmation.
        var earlier = Row(page, turtle.RescheduledFrom);
        await Expect(earlier.Locator(".status")).ToHaveTextAsync("rescheduled");
        await Expect(earlier.Locator("li", new() { HasText = "Advisor bio" }).Locator(".stage")).ToHaveTextAsync("cancelled");
        var rescheduled = Row(page, turtle.RescheduledTo);
        await Expect(rescheduled.Locator(".status")).ToHaveTextAsync("booked");
        await Expect(AdvisorCell(rescheduled)).ToHaveTextAsync("Priya Sharma");
        await Expect(rescheduled.Locator("li", new() { HasText = "Rescheduled" }).Locator(".stage")).ToHaveTextAsync("sent");
        await Expect(rescheduled.Locator("li", new() { HasText = "Confirmation" })).ToHaveCountAsync(0);
        // Booked while no advisor was active: no advisor shown, and the status says so.
        var noAdvisor = Row(page, turtle.NoAdvisor);
        await Expect(noAdvisor.Locator(".status")).ToHaveTextAsync("no-advisor");
        await Expect(AdvisorCell(noAdvisor)).ToHaveTextAsync("—");
        await Expect(AttendanceCell(Row(page, turtle.Declined))).ToHaveTextAsync("declined");
        await Expect(AttendanceCell(Row(page, turtle.NoShow))).ToHaveTextAsync("no-show");

        // The day a booking is listed under is its day in Asia/Kolkata, with the time of day there.
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var local = TimeZoneInfo.ConvertTime(turtle.Booked.Start, kolkata);
        var day = page.Locator("section.day", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = local.ToString("dddd d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture) }) });
        await Expect(Row(day, turtle.Booked).Locator("time").First).ToHaveTextAsync(local.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));

        await AssertNoFullPhoneNumbersAsync(page);
        await ScreenshotsAsync(page, "week");
    }

    [Fact]
    public async Task BookingPageShowsItsMessagesAndARetryButtonOnTheFailedOne()
    {
        var page = await _browser.Context.NewPageAsync();
        await page.GotoAsync(turtle.Url("/login").ToString());
        await SignInAsync(page);
        await Row(page, turtle.Failed).GetByRole(AriaRole.Link, new() { Name = turtle.Failed.Name }).ClickAsync();

        await Expect(page).ToHaveURLAsync(turtle.Url($"/appointments/{turtle.Failed.Id}").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Booking of Meera Pillai");
        var messages = page.GetByRole(AriaRole.Table, new() { Name = "Every message of this booking, in due order" });
        var confirmation = messages.GetByRole(AriaRole.Row).Filter(new() { HasText = "Confirmation" });
        await Expect(confirmation.Locator(".stage")).ToHaveTextAsync("failed");
        await Expect(confirmation).ToContainTextAsync("131026");
        await Expect(messages.GetByRole(AriaRole.Button)).ToHaveCountAsync(1);
        await Expect(confirmation.GetByRole(AriaRole.Button, new() { Name = "Send again the confirmation" })).ToBeVisibleAsync();
        await ScreenshotsAsync(page, "booking-failed");

        await page.GotoAsync(turtle.Url($"/appointments/{turtle.Booked.Id}").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Booking of Asha Rao");
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send again") })).ToHaveCountAsync(0);
        // The booking's history (what happened, by whom), its replies (none yet) and its attendance.
        var history = page.GetByRole(AriaRole.Table, new() { Name = "What happened to this booking, oldest first" });
        await Expect(history.GetByRole(AriaRole.Row).Filter(new() { HasTextRegex = new Regex("booked: ") })).ToContainTextAsync("webhook");
        await Expect(history.GetByRole(AriaRole.Row).Filter(new() { HasText = "Confirmation" })).ToContainTextAsync("webhook");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Replies" })).ToHaveCountAsync(1);
        await Expect(page.GetByText("The client has not written in.")).ToHaveCountAsync(1);
        // The language the client is written to in (SPEC §15).
        await Expect(page.Locator("dt:text-is('Language') + dd")).ToHaveTextAsync("en");
        await Expect(page.Locator("dt", new() { HasText = "Attendance" }).Locator("+ dd")).ToHaveTextAsync("unknown");
        await AssertNoFullPhoneNumbersAsync(page);
        await ScreenshotsAsync(page, "booking");

        var missing = await page.GotoAsync(turtle.Url($"/appointments/{Guid.NewGuid()}").ToString());
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("No such booking");
    }

    [Fact]
    public async Task AttentionListsEveryReasonWithItsLabelAndTheActionItAllows()
    {
        var page = await _browser.Context.NewPageAsync();
        await page.GotoAsync(turtle.Url("/attention").ToString());
        await SignInAsync(page);

        await Expect(page).ToHaveURLAsync(turtle.Url("/attention").ToString());
        var table = page.GetByRole(AriaRole.Table);
        var expected = new (TestBooking Booking, string Label, Remedy Remedy)[]
        {
            (turtle.NoPhone, "No phone number", Remedy.OpenBooking),
            (turtle.NoAdvisor, "No advisor", Remedy.AdvisorDirectory),
            (turtle.Failed, "Message failed", Remedy.SendAgain),
            (turtle.OptedOut, "Opted out", Remedy.OpenBooking),
            (turtle.Declined, "Declined", Remedy.OpenBooking),
            (turtle.NoShow, "No-show", Remedy.OpenBooking),
            (turtle.Replied, "Client replied", Remedy.OpenBooking),
            (turtle.AdvisorNoPhone, "Advisor has no phone", Remedy.AdvisorDirectory),
        };
        foreach (var (booking, label, remedy) in expected)
        {
            var row = table.GetByRole(AriaRole.Row).Filter(new() { HasText = booking.Name });
            await Expect(row.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(label);
            var sendAgain = row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send again") });
            var open = row.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Open the booking") });
            var directory = row.GetByRole(AriaRole.Link, new() { Name = "Advisor directory" });
            await Expect(sendAgain).ToHaveCountAsync(remedy == Remedy.SendAgain ? 1 : 0);
            await Expect(open).ToHaveCountAsync(remedy == Remedy.OpenBooking ? 1 : 0);
            await Expect(directory).ToHaveCountAsync(remedy == Remedy.AdvisorDirectory ? 1 : 0);
            if (remedy == Remedy.OpenBooking)
            {
                await Expect(open).ToHaveAttributeAsync("href", $"/appointments/{booking.Id}");
            }
            if (remedy == Remedy.AdvisorDirectory)
            {
                await Expect(directory).ToHaveAttributeAsync("href", "/advisors");
            }
            await Expect(row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^Mark handled\\s*: {Regex.Escape(label.ToLowerInvariant())},") })).ToBeVisibleAsync();
        }
        var failed = table.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.Failed.Name });
        await Expect(failed).ToContainTextAsync("131026");
        await Expect(failed.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send again the confirmation") })).ToBeVisibleAsync();
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.Replied.Name })).ToContainTextAsync(ConsoleDeployment.ReplyText);
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.AdvisorNoPhone.Name })).ToContainTextAsync("Meera Iyer");
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.Booked.Name })).ToHaveCountAsync(0);
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.RescheduledTo.Name })).ToHaveCountAsync(0);
        // The cluster keeps the whole list: nothing on the page says part of it is missing.
        await Expect(page.Locator("#attention-limitation")).ToHaveCountAsync(0);
        await ScreenshotsAsync(page, "attention");
    }

    [Fact]
    public async Task OperatorSendsAFailedMessageAgainSeesItSentMarksAnEntryHandledAndRefreshesAdvisors()
    {
        var page = await _browser.Context.NewPageAsync();
        await page.GotoAsync(turtle.Url("/").ToString());
        await SignInAsync(page);

        // The week: the booking whose confirmation Meta refused, with its timeline.
        var timeline = Row(page, turtle.Retried).GetByRole(AriaRole.List, new() { Name = $"Messages to {turtle.Retried.Name}" });
        await Expect(timeline.Locator("li", new() { HasText = "Confirmation" }).Locator(".stage")).ToHaveTextAsync("failed");
        await ScreenshotsAsync(page, "journey-week");

        // Meta would take it now: the operator sends it again from the attention list.
        await page.GetByRole(AriaRole.Link, new() { Name = "Attention" }).ClickAsync();
        var failed = page.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.Retried.Name });
        await Expect(failed.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync("Message failed");
        turtle.Turtle.WhatsApp.StopFailing(turtle.Retried.Phone!);
        await failed.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^Send again the confirmation to {turtle.Retried.Name}") }).ClickAsync();
        await Expect(page.Locator("#action-result")).ToContainTextAsync("sent again");
        await ScreenshotsAsync(page, "journey-retried");

        // Its booking shows it sent (once the number's 6 s spacing since the refused one has passed).
        var booking = turtle.Url($"/appointments/{turtle.Retried.Id}").ToString();
        var confirmation = page.GetByRole(AriaRole.Table, new() { Name = "Every message of this booking, in due order" })
            .GetByRole(AriaRole.Row).Filter(new() { HasText = "Confirmation" });
        await UntilAsync(page, booking, async () => await confirmation.Locator(".stage").TextContentAsync() == "sent");
        await Expect(confirmation.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(confirmation).ToContainTextAsync("sent again by console");
        Assert.Single(turtle.Turtle.WhatsApp.Accepted, r => r.BizOpaqueCallbackData == $"{turtle.Retried.Id}:Confirmation");
        await ScreenshotsAsync(page, "journey-booking-sent");

        // The attention list no longer has it; the operator marks another entry handled and it goes too.
        var attention = turtle.Url("/attention").ToString();
        await UntilAsync(page, attention, async () => await page.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.Retried.Name }).CountAsync() == 0);
        var handled = page.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.Handled.Name });
        await Expect(handled.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync("No phone number");
        await handled.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Mark handled") }).ClickAsync();
        await Expect(page.Locator("#action-result")).ToHaveTextAsync("Marked handled: no phone number.");
        await Expect(handled).ToHaveCountAsync(0);
        await page.GotoAsync(attention);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = turtle.NoPhone.Name })).ToHaveCountAsync(1);
        await Expect(handled).ToHaveCountAsync(0);
        await ScreenshotsAsync(page, "journey-attention");

        await page.GetByRole(AriaRole.Link, new() { Name = "Advisors" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh from the sheet" }).ClickAsync();
        await Expect(page.Locator("#refresh-result")).ToHaveTextAsync("Reloaded: 3 advisors, 0 rows rejected.");
        await AssertNoFullPhoneNumbersAsync(page);
        await ScreenshotsAsync(page, "journey-advisors");
    }

    [Fact]
    public async Task AdvisorsPageShowsTheDirectoryAndRefreshesIt()
    {
        var page = await _browser.Context.NewPageAsync();
        await page.GotoAsync(turtle.Url("/advisors").ToString());
        await SignInAsync(page);

        await Expect(page).ToHaveURLAsync(turtle.Url("/advisors").ToString());
        var advisors = page.GetByRole(AriaRole.Table, new() { NameRegex = new Regex("advisors in the directory") });
        await Expect(advisors.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(["Priya Sharma", "Arjun Mehta", "Meera Iyer"]);
        await Expect(advisors).ToContainTextAsync("+91******0001");
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("Csv");
        await Expect(page.Locator("#last-error")).ToHaveTextAsync("none");
        // The fixture's upcoming bookings are counted against the advisors they were assigned to.
        var upcoming = await advisors.Locator("td.upcoming").AllTextContentsAsync();
        Assert.True(upcoming.Sum(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)) >= 1, string.Join(", ", upcoming));

        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh from the sheet" }).ClickAsync();
        await Expect(page.Locator("#refresh-result")).ToHaveTextAsync("Reloaded: 3 advisors, 0 rows rejected.");
        Assert.DoesNotContain("9876500001", await page.ContentAsync(), StringComparison.Ordinal);
        await ScreenshotsAsync(page, "advisors");
    }

    [Fact]
    public async Task WrongKeyIsRefusedAndSigningOutEndsTheSession()
    {
        var page = await _browser.Context.NewPageAsync();
        await page.GotoAsync(turtle.Url("/login").ToString());
        await page.GetByLabel("Admin key").FillAsync("not-the-key");
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/login", StringComparison.Ordinal));
        Assert.Equal(401, refused.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That is not the admin key.");
        Assert.DoesNotContain(await _browser.Context.CookiesAsync(), c => c.Name == ConsoleSessionCookie);

        await SignInAsync(page);
        var cookie = Assert.Single(await _browser.Context.CookiesAsync(), c => c.Name == ConsoleSessionCookie);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        await ScreenshotsAsync(page, "signed-in");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(turtle.Url("/login").ToString());
        Assert.DoesNotContain(await _browser.Context.CookiesAsync(), c => c.Name == ConsoleSessionCookie);
        await page.GotoAsync(turtle.Url("/advisors").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2Fadvisors$"));
        await ScreenshotsAsync(page, "login");
    }

    [Fact]
    public async Task EveryPageIsAccessibleAndFitsAPhoneScreen()
    {
        var page = await _browser.Context.NewPageAsync();
        await page.GotoAsync(turtle.Url("/login").ToString());
        await AssertAccessibleAsync(page, "login");
        await SignInAsync(page);
        foreach (var path in new[] { "/", $"/appointments/{turtle.Failed.Id}", "/attention", "/advisors", "/templates" })
        {
            await page.SetViewportSizeAsync(1280, 900);
            await page.GotoAsync(turtle.Url(path).ToString());
            await AssertAccessibleAsync(page, path);
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync(turtle.Url(path).ToString());
            await AssertAccessibleAsync(page, path + " at 390 px");
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"{path} is {width} px wide at a 390 px viewport: it scrolls sideways");
        }

        // Keyboard: the first Tab lands on the skip link, which is then shown.
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync(turtle.Url("/").ToString());
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        var outline = await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle");
        Assert.Equal("solid", outline);
    }

    [Fact]
    public async Task InsightsPageDrawsEachChartWithItsTableFitsAPhoneAndOffersTheCsv()
    {
        var (from, to) = InsightApiTests.Range();
        var url = turtle.Url($"/insights?from={from}&to={to}").ToString();
        var page = await _browser.Context.NewPageAsync();
        await page.GotoAsync(turtle.Url("/login").ToString());
        await SignInAsync(page);

        await UntilAsync(page, url, async () => (await page.Locator("#insight-totals").TextContentAsync() ?? "").Contains("1 decline", StringComparison.Ordinal));

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Insight");
        await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Insight" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(page.Locator("p.summary")).ToContainTextAsync($"{turtle.All.Count} bookings");
        foreach (var chart in new[] { "Rates per week", "Rates per advisor", "Lateness, 95th percentile, per message kind" })
        {
            var figure = page.GetByRole(AriaRole.Figure, new() { Name = chart });
            await Expect(figure.GetByRole(AriaRole.Img)).ToHaveCountAsync(1);
            await Expect(figure.GetByRole(AriaRole.Table, new() { Name = $"{chart} (table)" })).ToBeVisibleAsync();
        }
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Rates per advisor (table)" })).ToContainTextAsync("Priya Sharma");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Rates per advisor (table)" })).ToContainTextAsync("100 %");
        await Expect(page.GetByLabel("Advisor", new() { Exact = true })).ToBeVisibleAsync();

        var csv = await page.APIRequest.GetAsync(turtle.Url(await page.Locator("#insight-csv").GetAttributeAsync("href") ?? "").ToString());
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("text/csv", csv.Headers["content-type"], StringComparison.Ordinal);
        Assert.StartsWith("scope,key,name,kind,", await csv.TextAsync(), StringComparison.Ordinal);

        await AssertAccessibleAsync(page, "/insights");
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(url);
        await AssertAccessibleAsync(page, "/insights at 390 px");
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"/insights is {width} px wide at a 390 px viewport: it scrolls sideways");
        await page.SetViewportSizeAsync(1280, 900);
        await ScreenshotsAsync(page, "insights");

        // A range the API refuses is shown as the problem, naming the field.
        await page.GotoAsync(turtle.Url($"/insights?from={to}&to={from}").ToString());
        await Expect(page.Locator("#insight-errors")).ToContainTextAsync("from: must not be after to");
    }

    private const string ConsoleSessionCookie = "turtle_console";

    /// <summary>Reloads <paramref name="url"/> until <paramref name="done"/> holds (what the page shows changes in the cluster, not in it).</summary>
    private static async Task UntilAsync(IPage page, string url, Func<Task<bool>> done)
    {
        var shown = await Eventually.ReadAsync(async () =>
        {
            await page.GotoAsync(url);
            return await done();
        }, shown => shown, TimeSpan.FromSeconds(30));
        Assert.True(shown, $"{url} did not show what was expected in time");
    }

    /// <summary>What the attention list offers for a reason, besides marking it handled.</summary>
    private enum Remedy
    {
        OpenBooking,
        SendAgain,
        AdvisorDirectory,
    }

    /// <summary>The booking's row, found by the link to its page: a rescheduled client has two rows under one name.</summary>
    private static ILocator Row(IPage page, TestBooking booking) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.Locator($"a[href='/appointments/{booking.Id}']") });

    private static ILocator Row(ILocator within, TestBooking booking) =>
        within.GetByRole(AriaRole.Row).Filter(new() { Has = within.Page.Locator($"a[href='/appointments/{booking.Id}']") });

    // A week-page row's cells: Time, Advisor, Status, Attendance, Messages (the client is the row's header).
    private static ILocator AdvisorCell(ILocator row) => row.Locator("td").Nth(1);

    private static ILocator AttendanceCell(ILocator row) => row.Locator("td").Nth(3);

    private static async Task SignInAsync(IPage page)
    {
        await page.GetByLabel("Admin key").FillAsync(TurtleDeployment.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    private async Task AssertNoFullPhoneNumbersAsync(IPage page)
    {
        var html = await page.ContentAsync();
        foreach (var digits in turtle.All.Select(b => b.NationalDigits).OfType<string>())
        {
            Assert.DoesNotContain(digits, html, StringComparison.Ordinal);
        }
    }

    private async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var violations = result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        foreach (var violation in violations)
        {
            output.WriteLine($"{what}: {violation}");
        }
        Assert.True(violations.Count == 0, $"{what}: {string.Join(Environment.NewLine, violations)}");
    }

    /// <summary>Full-page screenshots at desktop (1280 px) and phone (390 px) width, under the test output folder.</summary>
    private Task ScreenshotsAsync(IPage page, string name) => Screenshots.TakeAsync(page, name, output);
}
