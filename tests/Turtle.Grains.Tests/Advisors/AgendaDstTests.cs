using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;
using Xunit.Abstractions;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>
/// A silo whose clock (<see cref="ShiftedClock"/>) starts 90 s before 08:00 in New York on
/// 14 March 2027, the Sunday clocks go forward: the agenda is due at 12:00 UTC that day (EDT, UTC-4), where a
/// fixed UTC-5 would put it at 13:00, and the day runs from 04:00 UTC (EST midnight) to 04:00 UTC the next day.
/// </summary>
public sealed class DstAgendaClusterFixture : TurtleClusterFixture
{
    public static readonly DateTimeOffset AgendaAt = new(2027, 3, 14, 12, 0, 0, TimeSpan.Zero);
    public const string Advisor = "asha.advisor@turtle.example";
    public const string AdvisorPhone = "+919876500031";

    public ShiftedClock Clock { get; } = new(AgendaAt - TimeSpan.FromSeconds(90));

    protected override int Silos => 1;

    protected override string InitialAdvisorRows =>
        "Email,Name,Bio,Phone,Active\n" +
        $"{AdvisorEmail},Priya Sharma,Priya plans retirements.,,yes\n" +
        $"{Advisor},Asha Nair,Asha plans.,{AdvisorPhone},yes\n";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tests:Clock"] = Clock.Name,
        ["Notifications:FirmTimeZone"] = "America/New_York",
        ["Notifications:AgendaTime"] = "08:00:00",
        ["Notifications:RecipientSpacing"] = "00:00:01",
    };
}

public class AgendaDstTests(DstAgendaClusterFixture fixture, ITestOutputHelper output) : IClassFixture<DstAgendaClusterFixture>
{
    private static readonly TimeSpan NewYorkSummer = TimeSpan.FromHours(-4);
    private static readonly TimeSpan NewYorkWinter = TimeSpan.FromHours(-5);

    private BookingDetails Meeting(DateTimeOffset start, string client) =>
        Bookings.New(TimeSpan.FromDays(1), hostEmail: DstAgendaClusterFixture.Advisor) with
        {
            StartTime = start,
            EndTime = start.AddMinutes(30),
            ClientName = client,
            CreatedAt = fixture.Clock.GetUtcNow(),
        };

    [Fact]
    public async Task OnTheDayClocksGoForwardTheAgendaGoesAtEightLocalWithThatLocalDaysMeetings()
    {
        var now = fixture.Clock.GetUtcNow();
        Assert.True(now < DstAgendaClusterFixture.AgendaAt - TimeSpan.FromSeconds(20), $"the cluster took too long to start: its clock says {now:O}");
        var morning = Meeting(new DateTimeOffset(2027, 3, 14, 9, 30, 0, NewYorkSummer), "Kiran Shah");
        var lateEvening = Meeting(new DateTimeOffset(2027, 3, 14, 23, 30, 0, NewYorkSummer), "Ravi Menon");
        var nextDay = Meeting(new DateTimeOffset(2027, 3, 15, 0, 30, 0, NewYorkSummer), "Lata Bose");
        var dayBefore = Meeting(new DateTimeOffset(2027, 3, 13, 23, 30, 0, NewYorkWinter), "Mohan Das");
        foreach (var booking in new[] { morning, lateEvening, nextDay, dayBefore })
        {
            await fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);
        }

        var agenda = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.TemplateName == "turtle_advisor_daily_agenda", 1,
            DstAgendaClusterFixture.AgendaAt - fixture.Clock.GetUtcNow() + TimeSpan.FromSeconds(45))).Single();
        var view = await fixture.Grains.GetGrain<IAdvisorAgendaGrain>(AgendaKey.For(new DateOnly(2027, 3, 14), DstAgendaClusterFixture.Advisor)).GetAsync();
        var figure = $"grain: agenda on the DST day (America/New_York, 08:00) due {view.DueAt:O}, sent {view.SentAt:O} by the silo's clock";
        output.WriteLine(figure);
        Figures.Record(figure);

        Assert.Equal(DstAgendaClusterFixture.AgendaAt, view.DueAt);
        Assert.InRange(view.SentAt!.Value, DstAgendaClusterFixture.AgendaAt, DstAgendaClusterFixture.AgendaAt + TimeSpan.FromSeconds(30));
        Assert.Equal(DstAgendaClusterFixture.AdvisorPhone.TrimStart('+'), agenda.To);
        Assert.Equal(["Asha Nair", "2", "09:30 Kiran S.; 23:30 Ravi M."], agenda.Parameters);
        var tomorrow = await fixture.Grains.GetGrain<IAdvisorAgendaGrain>(AgendaKey.For(new DateOnly(2027, 3, 15), DstAgendaClusterFixture.Advisor)).GetAsync();
        Assert.Equal(new DateTimeOffset(2027, 3, 15, 8, 0, 0, NewYorkSummer), tomorrow.DueAt);
        Assert.Equal(NotificationState.Pending, tomorrow.State);
    }
}
