using Turtle.Grains.Advisors;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Turtle.Grains.Tests.Advisors;

[Collection(AdvisorClusterGroup.Name)]
public sealed class AdvisorLookupGrainTests(AdvisorClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly DateTimeOffset NextWeek = DateTimeOffset.UtcNow.AddDays(7);

    [Fact]
    public async Task CalendlyHostIsAssignedByEmail()
    {
        var (a, b) = (SampleSheet.UniqueEmail("hosta"), SampleSheet.UniqueEmail("hostb"));
        await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(a, "A"), SampleSheet.Row(b, "B")));

        var assignment = await fixture.Lookup.AssignAsync(Request(hostEmails: [b.ToUpperInvariant()]));

        Assert.Equal(b, assignment.Advisor?.Email);
        Assert.Contains("Calendly host", assignment.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CalendlyHostIsAssignedByUserUri()
    {
        var (a, b) = (SampleSheet.UniqueEmail("uria"), SampleSheet.UniqueEmail("urib"));
        var uri = $"https://api.calendly.com/users/{Guid.NewGuid():N}";
        await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(a, "A"), SampleSheet.Row(b, "B", calendlyUri: uri)));

        var assignment = await fixture.Lookup.AssignAsync(Request(hostUris: [uri]));

        Assert.Equal(b, assignment.Advisor?.Email);
    }

    [Fact]
    public async Task InactiveHostFallsBackToTheLeastLoadedActiveAdvisor()
    {
        var (host, busy, free) = (SampleSheet.UniqueEmail("off"), SampleSheet.UniqueEmail("busy"), SampleSheet.UniqueEmail("free"));
        await fixture.UseSheetAsync(SampleSheet.Rows(
            SampleSheet.Row(host, "Off", active: false), SampleSheet.Row(busy, "Busy"), SampleSheet.Row(free, "Free")));
        await fixture.Lookup.AssignAsync(Request(hostEmails: [busy]));

        var assignment = await fixture.Lookup.AssignAsync(Request(hostEmails: [host]));

        Assert.Equal(free, assignment.Advisor?.Email);
        Assert.Contains("inactive", assignment.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EqualLoadsTakeTurnsAndReleaseFreesTheAdvisor()
    {
        var emails = new[] { SampleSheet.UniqueEmail("rr1"), SampleSheet.UniqueEmail("rr2"), SampleSheet.UniqueEmail("rr3") };
        await fixture.UseSheetAsync(SampleSheet.Rows([.. emails.Select(e => SampleSheet.Row(e, e))]));

        var picks = new List<(string Id, string Email)>();
        for (var i = 0; i < 6; i++)
        {
            var request = Request();
            picks.Add((request.AppointmentId, (await fixture.Lookup.AssignAsync(request)).Advisor!.Email));
        }

        // Six bookings over three equal advisors: two each, never the same advisor twice in a row.
        Assert.All(emails, e => Assert.Equal(2, picks.Count(p => p.Email == e)));
        Assert.All(picks.Zip(picks.Skip(1)), pair => Assert.NotEqual(pair.First.Email, pair.Second.Email));

        var released = picks.First(p => p.Email == emails[1]);
        await fixture.Lookup.ReleaseAsync(released.Id, released.Email, NextWeek);
        Assert.Equal(emails[1], (await fixture.Lookup.AssignAsync(Request())).Advisor?.Email);
    }

    [Fact]
    public async Task RepeatedBookingKeepsItsAdvisor()
    {
        var emails = new[] { SampleSheet.UniqueEmail("rep1"), SampleSheet.UniqueEmail("rep2") };
        await fixture.UseSheetAsync(SampleSheet.Rows([.. emails.Select(e => SampleSheet.Row(e, e))]));
        var request = Request();

        var first = await fixture.Lookup.AssignAsync(request);
        var again = await fixture.Lookup.AssignAsync(request);

        Assert.Equal(first.Advisor, again.Advisor);
        var counts = await fixture.Loads.GetUpcomingCountsAsync();
        Assert.Equal(1, emails.Sum(e => counts.GetValueOrDefault(e)));
    }

    [Fact]
    public async Task MeetingsAlreadyStartedDoNotCountAsLoad()
    {
        var (past, future) = (SampleSheet.UniqueEmail("past"), SampleSheet.UniqueEmail("future"));
        await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(past, "Past"), SampleSheet.Row(future, "Future")));
        for (var i = 0; i < 3; i++)
        {
            await fixture.Lookup.AssignAsync(Request(hostEmails: [past], start: DateTimeOffset.UtcNow.AddHours(-1)));
        }
        await fixture.Lookup.AssignAsync(Request(hostEmails: [future]));

        var counts = await fixture.Loads.GetUpcomingCountsAsync();
        Assert.Equal(0, counts.GetValueOrDefault(past));
        Assert.Equal(past, (await fixture.Lookup.AssignAsync(Request())).Advisor?.Email);
    }

    [Fact]
    public async Task LoadsSurviveTheLoadGrainsDeactivation()
    {
        var (a, b) = (SampleSheet.UniqueEmail("keep1"), SampleSheet.UniqueEmail("keep2"));
        await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(a, "A"), SampleSheet.Row(b, "B")));
        await fixture.Lookup.AssignAsync(Request(hostEmails: [a]));
        await fixture.Lookup.AssignAsync(Request(hostEmails: [a]));

        await fixture.Cluster.DeactivateAsync(fixture.Loads);
        await fixture.Cluster.WaitForDeactivationAsync(fixture.Loads);

        Assert.Equal(2, (await fixture.Loads.GetUpcomingCountsAsync()).GetValueOrDefault(a));
        Assert.Equal(b, (await fixture.Lookup.AssignAsync(Request())).Advisor?.Email);
    }

    [Fact]
    public async Task NoActiveAdvisorAssignsNobodyAndSaysWhy()
    {
        await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(SampleSheet.UniqueEmail("gone"), "Gone", active: false)));

        var assignment = await fixture.Lookup.AssignAsync(Request());

        Assert.Null(assignment.Advisor);
        Assert.Contains("no advisor in the directory is active", assignment.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindReturnsTheCurrentRowOrNothing()
    {
        var email = SampleSheet.UniqueEmail("find");
        await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(email, "Find Me")));

        Assert.Equal("Find Me", (await fixture.Lookup.FindAsync($"  {email.ToUpperInvariant()} "))?.Name);
        Assert.Null(await fixture.Lookup.FindAsync("nobody@turtle.example"));
    }

    [Fact]
    public async Task ThousandAssignmentsCauseNoSheetsRequests()
    {
        var emails = Enumerable.Range(1, 5).Select(i => SampleSheet.UniqueEmail($"burst{i}")).ToArray();
        await fixture.UseSheetAsync(SampleSheet.Rows([.. emails.Select(e => SampleSheet.Row(e, e))]));
        var sheetsBefore = fixture.Google.SheetsRequests;
        var tokensBefore = fixture.Google.TokenRequests;
        var latencies = new double[1000];
        var total = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, latencies.Length), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var assignment = await fixture.Lookup.AssignAsync(Request());
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Assert.NotNull(assignment.Advisor);
        });
        total.Stop();

        var extraSheetsRequests = fixture.Google.SheetsRequests - sheetsBefore;
        Array.Sort(latencies);
        output.WriteLine(
            $"1000 assignments (32 concurrent) in {total.ElapsedMilliseconds} ms: extra Sheets requests {extraSheetsRequests}, " +
            $"token requests {fixture.Google.TokenRequests - tokensBefore}, latency p50 {Percentile(latencies, 0.50):0.00} ms, " +
            $"p99 {Percentile(latencies, 0.99):0.00} ms, max {latencies[^1]:0.00} ms");
        Assert.Equal(0, extraSheetsRequests);

        // Least loaded with round-robin ties spreads a burst evenly.
        var counts = await fixture.Loads.GetUpcomingCountsAsync();
        Assert.All(emails, e => Assert.Equal(200, counts.GetValueOrDefault(e)));
    }

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Ceiling(p * sorted.Length) - 1];

    private static AssignmentRequest Request(string[]? hostEmails = null, string[]? hostUris = null, DateTimeOffset? start = null) => new()
    {
        AppointmentId = Guid.NewGuid().ToString(),
        HostEmails = hostEmails ?? [],
        HostUserUris = hostUris ?? [],
        StartTime = start ?? NextWeek,
    };
}
