using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;
using Turtle.Testing.Cluster;
using Xunit.Abstractions;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>
/// A silo whose Turtle clock (a <see cref="MovingFakeTime"/>; Orleans keeps the system's) starts a minute before the
/// agenda time of a chosen firm's day, with one advisor who has a phone.
/// </summary>
public abstract class FirmDateClusterFixture(string zone, DateTimeOffset agendaAt) : TurtleClusterFixture
{
    public const string Advisor = "asha.advisor@turtle.example";
    public const string AdvisorPhone = "+919876500031";

    public DateTimeOffset AgendaAt { get; } = agendaAt;
    public MovingFakeTime Clock { get; } = new(agendaAt - TimeSpan.FromSeconds(60));

    protected override int Silos => 1;

    protected override string InitialAdvisorRows =>
        "Email,Name,Bio,Phone,Active\n" +
        $"{AdvisorEmail},Priya Sharma,Priya plans retirements.,,yes\n" +
        $"{Advisor},Asha Nair,Asha plans.,{AdvisorPhone},yes\n";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [TestClocks.Key] = Clock.Name,
        ["Notifications:FirmTimeZone"] = zone,
        ["Notifications:AgendaTime"] = "08:00:00",
        ["Notifications:RecipientSpacing"] = "00:00:01",
    };
}

/// <summary>
/// New York on 14 March 2027, the Sunday clocks go forward: the agenda is due at 08:00 EDT, 12:00 UTC (a fixed UTC-5
/// would put it at 13:00), and the firm's day runs from 05:00 UTC (EST midnight) to 04:00 UTC the next day.
/// </summary>
public sealed class NewYorkDstDayFixture() : FirmDateClusterFixture("America/New_York", new(2027, 3, 14, 12, 0, 0, TimeSpan.Zero));

/// <summary>Kolkata (UTC+5:30 all year) on 10 June 2027: the firm's day runs from 18:30 UTC the day before.</summary>
public sealed class KolkataDayFixture() : FirmDateClusterFixture("Asia/Kolkata", new(2027, 6, 10, 2, 30, 0, TimeSpan.Zero));

public abstract class FirmDateAgendaTests(FirmDateClusterFixture fixture, ITestOutputHelper output)
{
    protected async Task AgendaGoesAtEightLocalWithThatLocalDaysMeetingsAsync(DateOnly day, DateTimeOffset[] inside, DateTimeOffset[] outside,
        string expectedList, DateTimeOffset nextAgendaAt)
    {
        var time = fixture.Clock.Time;
        Assert.True(time.GetUtcNow() < fixture.AgendaAt - TimeSpan.FromSeconds(15), $"the cluster took too long to start: Turtle's clock says {time.GetUtcNow():O}");
        var names = new Queue<string>(["Kiran Shah", "Ravi Menon", "Lata Bose", "Mohan Das"]);
        foreach (var start in inside.Concat(outside))
        {
            var booking = Bookings.New(TimeSpan.FromDays(1), hostEmail: FirmDateClusterFixture.Advisor) with
            {
                StartTime = start,
                EndTime = start.AddMinutes(30),
                ClientName = names.Dequeue(),
                CreatedAt = time.GetUtcNow(),
            };
            await fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);
        }

        var agenda = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.TemplateName == "turtle_advisor_daily_agenda", 1,
            fixture.AgendaAt - time.GetUtcNow() + TimeSpan.FromSeconds(45))).Single();
        var view = await fixture.Grains.GetGrain<IAdvisorAgendaGrain>(AgendaKey.For(day, FirmDateClusterFixture.Advisor)).GetAsync();
        var figure = $"grain: agenda of {day:yyyy-MM-dd} at 08:00 local due {view.DueAt:O}, sent {(view.SentAt - view.DueAt)?.TotalSeconds:0.00} s after by Turtle's clock (a FakeTimeProvider moved with real time)";
        output.WriteLine(figure);
        Figures.Record(figure);

        Assert.Equal(fixture.AgendaAt, view.DueAt);
        Assert.InRange(view.SentAt!.Value, fixture.AgendaAt, fixture.AgendaAt + TimeSpan.FromSeconds(30));
        Assert.Equal(FirmDateClusterFixture.AdvisorPhone.TrimStart('+'), agenda.To);
        Assert.Equal(["Asha Nair", inside.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), expectedList], agenda.Parameters);
        var tomorrow = await fixture.Grains.GetGrain<IAdvisorAgendaGrain>(AgendaKey.For(day.AddDays(1), FirmDateClusterFixture.Advisor)).GetAsync();
        Assert.Equal(nextAgendaAt, tomorrow.DueAt);
        Assert.Equal(NotificationState.Pending, tomorrow.State);
    }
}

public class NewYorkDstAgendaTests(NewYorkDstDayFixture fixture, ITestOutputHelper output)
    : FirmDateAgendaTests(fixture, output), IClassFixture<NewYorkDstDayFixture>
{
    private static readonly TimeSpan Summer = TimeSpan.FromHours(-4);
    private static readonly TimeSpan Winter = TimeSpan.FromHours(-5);

    [Fact]
    public Task OnTheDayClocksGoForwardTheAgendaGoesAtEightLocalWithThatLocalDaysMeetings() =>
        AgendaGoesAtEightLocalWithThatLocalDaysMeetingsAsync(new DateOnly(2027, 3, 14),
            inside: [new(2027, 3, 14, 9, 30, 0, Summer), new(2027, 3, 14, 23, 30, 0, Summer)],
            outside: [new(2027, 3, 15, 0, 30, 0, Summer), new(2027, 3, 13, 23, 30, 0, Winter)],
            expectedList: "09:30 Kiran S.; 23:30 Ravi M.",
            nextAgendaAt: new(2027, 3, 15, 8, 0, 0, Summer));
}

public class KolkataAgendaTests(KolkataDayFixture fixture, ITestOutputHelper output)
    : FirmDateAgendaTests(fixture, output), IClassFixture<KolkataDayFixture>
{
    private static readonly TimeSpan India = new(5, 30, 0);

    [Fact]
    public Task TheAgendaGoesAtEightLocalWithTheMeetingsOfTheLocalDayNotTheUtcDay() =>
        AgendaGoesAtEightLocalWithThatLocalDaysMeetingsAsync(new DateOnly(2027, 6, 10),
            inside: [new(2027, 6, 10, 9, 0, 0, India), new(2027, 6, 10, 23, 45, 0, India)],
            outside: [new(2027, 6, 11, 0, 15, 0, India), new(2027, 6, 9, 23, 45, 0, India)],
            expectedList: "09:00 Kiran S.; 23:45 Ravi M.",
            nextAgendaAt: new(2027, 6, 11, 8, 0, 0, India));
}
