using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;
using Xunit.Abstractions;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>Advisors with and without phones, one of them about to leave; the agenda time 90 s after the cluster starts.</summary>
public sealed class AgendaClusterFixture() : FirmDayClusterFixture(TimeSpan.FromSeconds(90))
{
    public const string Asha = "asha.advisor@turtle.example";
    public const string AshaPhone = "+919876500021";
    public const string Bala = "bala.advisor@turtle.example";
    public const string BalaPhone = "+919876500022";
    public const string NoPhone = "chitra.advisor@turtle.example";
    public const string Leaving = "dev.advisor@turtle.example";
    public const string Quiet = "esha.advisor@turtle.example";

    public static string Rows(bool devActive) =>
        "Email,Name,Bio,Phone,Active\n" +
        $"{AdvisorEmail},Priya Sharma,Priya plans retirements.,,yes\n" +
        $"{Asha},Asha Nair,Asha plans.,{AshaPhone},yes\n" +
        $"{Bala},Bala Iyer,Bala plans.,{BalaPhone},yes\n" +
        $"{NoPhone},Chitra Rao,Chitra plans.,,yes\n" +
        $"{Leaving},Dev Singh,Dev plans.,+919876500024,{(devActive ? "yes" : "no")}\n" +
        $"{Quiet},Esha Gupta,Esha plans.,+919876500025,yes\n";

    protected override string InitialAdvisorRows => Rows(devActive: true);

    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Advisors:LookupCacheDuration"] = "00:00:00.300",
    };
}

public class AdvisorAgendaTests(AgendaClusterFixture fixture, ITestOutputHelper output) : IClassFixture<AgendaClusterFixture>
{
    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    private IAdvisorAgendaGrain Agenda(string email, int days = 0) =>
        fixture.Grains.GetGrain<IAdvisorAgendaGrain>(AgendaKey.For(fixture.FirmDay.Day.AddDays(days), email));

    private BookingDetails Meeting(string advisor, double hoursAfterAgenda, string client)
    {
        var start = fixture.FirmDay.Today(hoursAfterAgenda);
        return Bookings.New(TimeSpan.FromDays(1), hostEmail: advisor) with { StartTime = start, EndTime = start.AddMinutes(30), ClientName = client };
    }

    [Fact]
    public async Task EachAdvisorGetsTheDaysMeetingsAsTheyStandAtTheAgendaTimeOnce()
    {
        var day = fixture.FirmDay;
        Assert.True(DateTimeOffset.UtcNow < day.AgendaAt - TimeSpan.FromSeconds(20), $"the cluster took too long to start; agenda at {day.AgendaAt:HH:mm:ss}");
        var ashaKept = Meeting(AgendaClusterFixture.Asha, 1, "Kiran Shah");
        var ashaCancelled = Meeting(AgendaClusterFixture.Asha, 2, "Ravi Menon");
        var ashaMoved = Meeting(AgendaClusterFixture.Asha, 3, "Lata Bose");
        var ashaLast = Meeting(AgendaClusterFixture.Asha, 0.5, "Asha Rao");
        var balaFirst = Meeting(AgendaClusterFixture.Bala, 4, "Mohan Das");
        var balaSecond = Meeting(AgendaClusterFixture.Bala, 1.5, "Nila");
        var chitra = Meeting(AgendaClusterFixture.NoPhone, 1, "Om Prakash");
        var dev = Meeting(AgendaClusterFixture.Leaving, 1, "Pia Roy");
        var esha = Meeting(AgendaClusterFixture.Quiet, 1, "Raj Kumar");
        foreach (var booking in new[] { ashaKept, ashaCancelled, ashaMoved, ashaLast, balaFirst, balaSecond, chitra, dev, esha })
        {
            await Grain(booking).BookAsync(booking);
        }
        // Before the agenda time: a cancellation, a reschedule to tomorrow, an advisor marked inactive, a day emptied.
        await Grain(ashaCancelled).CancelAsync(Bookings.Cancel(ashaCancelled));
        var movedTo = Meeting(AgendaClusterFixture.Asha, 24, "Lata Bose") with { OldInviteeUri = ashaMoved.InviteeUri };
        await Grain(ashaMoved).CancelAsync(Bookings.Cancel(ashaMoved, rescheduled: true));
        await Grain(movedTo).BookAsync(movedTo);
        await Grain(esha).CancelAsync(Bookings.Cancel(esha));
        await File.WriteAllTextAsync(fixture.CsvPath, AgendaClusterFixture.Rows(devActive: false));
        await fixture.Grains.GetGrain<IAdvisorDirectoryGrain>(0).RefreshAsync();
        Assert.True(DateTimeOffset.UtcNow < day.AgendaAt, "booking took past the agenda time");

        var agendas = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.TemplateName == "turtle_advisor_daily_agenda", 2, day.AgendaAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(45)))
            .OrderBy(r => r.To).ToList();
        var figure = $"grain: agendas due {day.AgendaAt.UtcDateTime:HH:mm:ss} UTC ({day.Zone} {day.AgendaTime}) arrived {string.Join(", ", agendas.Select(a => $"+{(a.ReceivedAt - day.AgendaAt).TotalSeconds:0.00} s"))}";
        output.WriteLine(figure);
        Figures.Record(figure);

        Assert.Collection(agendas,
            asha =>
            {
                Assert.Equal(AgendaClusterFixture.AshaPhone.TrimStart('+'), asha.To);
                Assert.Equal(["Asha Nair", "2", $"{day.Clock(ashaLast.StartTime)} Asha R.; {day.Clock(ashaKept.StartTime)} Kiran S."], asha.Parameters);
                Assert.Equal($"agenda:{AgendaKey.For(day.Day, AgendaClusterFixture.Asha)}:AdvisorAgenda", asha.BizOpaqueCallbackData);
            },
            bala => Assert.Equal(["Bala Iyer", "2", $"{day.Clock(balaSecond.StartTime)} Nila; {day.Clock(balaFirst.StartTime)} Mohan D."], bala.Parameters));
        Assert.All(agendas, a => Assert.True(a.ReceivedAt >= day.AgendaAt, $"sent before its time: {a}"));

        var sent = await Agenda(AgendaClusterFixture.Asha).GetAsync();
        Assert.Equal(NotificationState.Sent, sent.State);
        // Meta's statuses find the agenda by its message id, with or without its callback data.
        Assert.True(await Agenda(AgendaClusterFixture.Asha).ApplyDeliveryStatusAsync(new DeliveryStatusUpdate { MessageId = sent.MessageId!, Status = DeliveryStatus.Delivered, At = DateTimeOffset.UtcNow }));
        Assert.False(await Agenda(AgendaClusterFixture.Asha).ApplyDeliveryStatusAsync(new DeliveryStatusUpdate { MessageId = "wamid.not-the-agenda", Status = DeliveryStatus.Delivered, At = DateTimeOffset.UtcNow }));
        Assert.True(CallbackData.TryParse(agendas[0].BizOpaqueCallbackData, out var holder, out var kind));
        Assert.True(MessageHolder.IsAgenda(holder, out var agendaKey));
        Assert.Equal((AgendaKey.For(day.Day, AgendaClusterFixture.Asha), NotificationKind.AdvisorAgenda), (agendaKey, kind));
        Assert.Equal(MessageRecipients.AdvisorNoPhone, (await Agenda(AgendaClusterFixture.NoPhone).GetAsync()).LastError);
        Assert.Equal(AgendaTarget.AdvisorGone, (await Agenda(AgendaClusterFixture.Leaving).GetAsync()).LastError);
        Assert.Equal(AgendaTarget.NoMeetings, (await Agenda(AgendaClusterFixture.Quiet).GetAsync()).LastError);
        var tomorrow = await Agenda(AgendaClusterFixture.Asha, days: 1).GetAsync();
        Assert.Equal(NotificationState.Pending, tomorrow.State);
        Assert.True(tomorrow.Armed, "the moved meeting arms its new day's agenda");

        // Once per advisor per day: a booking arming it again, or a new booking that day, sends nothing more.
        await Agenda(AgendaClusterFixture.Asha).ArmAsync();
        var late = Meeting(AgendaClusterFixture.Asha, 5, "Uma Pillai");
        await Grain(late).BookAsync(late);
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.Equal(2, fixture.WhatsApp.Requests.Count(r => r.TemplateName == "turtle_advisor_daily_agenda"));
        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(late, NotificationKind.AdvisorBooked), 1, TimeSpan.FromSeconds(30));
        Assert.False(await fixture.HasReminderAsync(Agenda(AgendaClusterFixture.Asha)), "a sent agenda keeps no reminder");
    }
}
