using System.Globalization;
using System.Text;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;
using Xunit.Abstractions;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>200 advisors with a phone each, on one silo; the agenda time a few minutes after the cluster starts.</summary>
public sealed class AgendaFanOutClusterFixture() : FirmDayClusterFixture(TimeSpan.FromMinutes(3))
{
    public const int Advisors = 200;
    public const int MeetingsEach = 10;

    public static string Email(int i) => string.Create(CultureInfo.InvariantCulture, $"adv{i:000}@turtle.example");

    public static string Phone(int i) => string.Create(CultureInfo.InvariantCulture, $"+9198766{i:00000}");

    protected override string InitialAdvisorRows
    {
        get
        {
            var rows = new StringBuilder("Email,Name,Bio,Phone\n");
            for (var i = 0; i < Advisors; i++)
            {
                rows.Append(CultureInfo.InvariantCulture, $"{Email(i)},Advisor {i:000},Plans.,{Phone(i)}\n");
            }
            return rows.ToString();
        }
    }

    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        // Nothing else falls due around the agenda: bios a minute before each meeting, reminders an hour before.
        ["Notifications:AdvisorBioLeadTime"] = "00:01:00",
        // The production reminder period, as the agendas would have it.
        ["Notifications:ReminderPeriod"] = "00:00:30",
    };
}

/// <summary>The agenda fan-out: 200 advisors × 10 meetings, every agenda due at one instant.</summary>
/// <summary>
/// Runs alone: its 2,000 bookings at 32 in flight take both cores for a minute, and other classes' grain calls (an
/// erasure's dozen steps) would pass their 30 s response timeout behind them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AgendaFanOutGroup
{
    public const string Name = "agenda fan-out, alone";
}

[Collection(AgendaFanOutGroup.Name)]
public class AgendaFanOutTests(AgendaFanOutClusterFixture fixture, ITestOutputHelper output) : IClassFixture<AgendaFanOutClusterFixture>
{
    [Fact]
    public async Task TwoHundredAdvisorsGetTheirAgendasSoonAfterTheAgendaTime()
    {
        var day = fixture.FirmDay;
        var bookings = Enumerable.Range(0, AgendaFanOutClusterFixture.Advisors * AgendaFanOutClusterFixture.MeetingsEach).Select(n =>
        {
            var start = day.Today(1 + (n % AgendaFanOutClusterFixture.MeetingsEach * 0.5));
            return Bookings.New(TimeSpan.FromDays(1), hostEmail: AgendaFanOutClusterFixture.Email(n / AgendaFanOutClusterFixture.MeetingsEach))
                with { StartTime = start, EndTime = start.AddMinutes(30) };
        }).ToList();
        var ingestStarted = DateTimeOffset.UtcNow;
        var answers = new System.Collections.Concurrent.ConcurrentBag<double>();
        var retried = 0;
        await Parallel.ForEachAsync(bookings, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (b, _) =>
        {
            var sent = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await fixture.Grains.GetGrain<IAppointmentGrain>(b.InviteeId).BookAsync(b);
                    break;
                }
                catch (TimeoutException) when (attempt < 3)
                {
                    // As Calendly does when its webhook is not answered in time: the same booking again, which stores it once.
                    Interlocked.Increment(ref retried);
                }
            }
            answers.Add(System.Diagnostics.Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        });
        var ingested = DateTimeOffset.UtcNow;
        var took = answers.Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{bookings.Count} bookings in {(ingested - ingestStarted).TotalSeconds:0.0} s (BookAsync median {took[took.Count / 2]:0} ms, p99 {took[took.Count * 99 / 100]:0} ms, max {took[^1]:0} ms); agenda at {day.AgendaAt:HH:mm:ss}"));
        Assert.True(ingested < day.AgendaAt - TimeSpan.FromSeconds(10), $"ingest ended {ingested:HH:mm:ss}, too close to the agenda time {day.AgendaAt:HH:mm:ss}");

        var agendas = await fixture.WhatsApp.WaitForRequestsAsync(r => r.TemplateName == "turtle_advisor_daily_agenda",
            AgendaFanOutClusterFixture.Advisors, day.AgendaAt - DateTimeOffset.UtcNow + TimeSpan.FromMinutes(3));
        await Task.Delay(TimeSpan.FromSeconds(5));

        var delays = agendas.Select(a => (a.ReceivedAt - day.AgendaAt).TotalSeconds).Order().ToList();
        var figure = string.Create(CultureInfo.InvariantCulture,
            $"grain: agenda fan-out, {AgendaFanOutClusterFixture.Advisors} advisors x {AgendaFanOutClusterFixture.MeetingsEach} meetings on one silo: " +
            $"first agenda +{delays[0]:0.00} s, median +{delays[delays.Count / 2]:0.00} s, last +{delays[^1]:0.00} s after the agenda time " +
            $"({bookings.Count} bookings ingested in {(ingested - ingestStarted).TotalSeconds:0.0} s at 32 in flight, each answered in median {took[took.Count / 2]:0} ms, max {took[^1]:0} ms, {retried} retried after the 30 s call timeout)");
        output.WriteLine(figure);
        Figures.Record(figure);

        var all = fixture.WhatsApp.Requests.Where(r => r.TemplateName == "turtle_advisor_daily_agenda").ToList();
        Assert.Equal(AgendaFanOutClusterFixture.Advisors, all.Count);
        Assert.Equal(AgendaFanOutClusterFixture.Advisors, all.Select(r => r.To).Distinct().Count());
        Assert.All(all, r => Assert.Equal(AgendaFanOutClusterFixture.MeetingsEach.ToString(CultureInfo.InvariantCulture), r.Parameters[1]));
        Assert.True(delays[^1] < 60, figure);
        var sample = await fixture.Grains.GetGrain<IAdvisorAgendaGrain>(AgendaKey.For(day.Day, AgendaFanOutClusterFixture.Email(7))).GetAsync();
        Assert.Equal(NotificationState.Sent, sample.State);
        Assert.Equal(AgendaFanOutClusterFixture.MeetingsEach, sample.MeetingCount);
    }
}
