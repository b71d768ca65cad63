using System.Net;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Xunit.Abstractions;

namespace Turtle.EndToEnd.Tests;

/// <summary>The advisors' morning agenda on real processes: sent at its time from the day's bookings, once, even across a kill -9.</summary>
public class AdvisorAgendaEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Anil = "anil.advisor@turtle.example";
    private const string AnilPhone = "919876500031";
    private const string Bina = "bina.advisor@turtle.example";
    private const string BinaPhone = "919876500032";

    private readonly string _csv = Path.Combine(Path.GetTempPath(), $"turtle-agenda-advisors-{Guid.NewGuid():N}.csv");
    private FirmDayForTests _day = null!;
    private TurtleDeployment _turtle = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_csv,
            "Email,Name,Bio,Phone\n" +
            $"{Anil},Anil Kumar,Anil plans retirements.,+{AnilPhone}\n" +
            $"{Bina},Bina Das,Bina plans education funds.,+{BinaPhone}\n");
        _day = new FirmDayForTests(TimeSpan.FromSeconds(150));
        _turtle = new TurtleDeployment(new Dictionary<string, string?>
        {
            ["Advisors__Source"] = "Csv",
            ["Advisors__CsvPath"] = _csv,
            ["Notifications__FirmTimeZone"] = _day.Zone,
            ["Notifications__AgendaTime"] = _day.AgendaTime,
        });
        await _turtle.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _turtle.DisposeAsync();
        File.Delete(_csv);
    }

    [Fact]
    public async Task TwoAdvisorsFiveBookingsOneCancelledGetTwoAgendasOnceAcrossAKill()
    {
        using var http = _turtle.CreateClient();
        var bookings = new (string Id, string Advisor, string Client, DateTimeOffset Start)[]
        {
            (Guid.NewGuid().ToString(), Anil, "Asha Rao", _day.Today(1)),
            (Guid.NewGuid().ToString(), Anil, "Ravi Menon", _day.Today(2)),
            (Guid.NewGuid().ToString(), Anil, "Kiran Shah", _day.Today(3)),
            (Guid.NewGuid().ToString(), Bina, "Lata Bose", _day.Today(1.5)),
            (Guid.NewGuid().ToString(), Bina, "Mohan Das", _day.Today(4)),
        };
        for (var i = 0; i < bookings.Length; i++)
        {
            var (id, advisor, client, start) = bookings[i];
            var body = CalendlyWebhooks.InviteeCreated(id, $"+91 98111 2000{i}", start, hostEmail: advisor, name: client);
            using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var cancelled = bookings[1];
        // Told of the booking first (Anil's notices go out 6 s apart), so the cancellation is news to him.
        await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{cancelled.Id}:AdvisorBooked", 1, TimeSpan.FromSeconds(60));
        using (var cancel = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCanceled(cancelled.Id, "+91 98111 20001", cancelled.Start, hostEmail: Anil))))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }
        Assert.True(DateTimeOffset.UtcNow < _day.AgendaAt, $"the deployment took past the agenda time {_day.AgendaAt:HH:mm:ss}");

        var agendas = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.TemplateName == "turtle_advisor_daily_agenda", 2,
            _day.AgendaAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60))).OrderBy(r => r.To).ToList();

        // kill -9 in the agenda's minute, and back at once on the same ports.
        var silo = _turtle.Silos[0];
        silo.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await _turtle.StartSiloAsync(silo.Ports);
        var restartedAt = DateTimeOffset.UtcNow;
        // Longer than the reminder period (30 s) and the send timeout's first look: a repeat would show by then.
        await Task.Delay(TimeSpan.FromSeconds(45));

        var figure = $"e2e agenda: due {_day.AgendaAt.UtcDateTime:HH:mm:ss}, sent +{(agendas[0].ReceivedAt - _day.AgendaAt).TotalSeconds:0.0} s / " +
            $"+{(agendas[1].ReceivedAt - _day.AgendaAt).TotalSeconds:0.0} s; killed {killedAt:HH:mm:ss}, restarted {restartedAt:HH:mm:ss}; " +
            $"{_turtle.WhatsApp.Requests.Count(r => r.TemplateName == "turtle_advisor_daily_agenda")} agenda request(s) in all";
        output.WriteLine(figure);
        Figures.Record(figure);

        Assert.Collection(agendas,
            anil =>
            {
                Assert.Equal(AnilPhone, anil.To);
                Assert.Equal(["Anil Kumar", "2", $"{_day.Clock(bookings[0].Start)} Asha R.; {_day.Clock(bookings[2].Start)} Kiran S."], anil.Parameters);
            },
            bina =>
            {
                Assert.Equal(BinaPhone, bina.To);
                Assert.Equal(["Bina Das", "2", $"{_day.Clock(bookings[3].Start)} Lata B.; {_day.Clock(bookings[4].Start)} Mohan D."], bina.Parameters);
            });
        Assert.Equal(2, _turtle.WhatsApp.Requests.Count(r => r.TemplateName == "turtle_advisor_daily_agenda"));
        // The advisors were told of each booking, and Anil of the cancellation, once.
        Assert.All(bookings, b => Assert.Single(_turtle.WhatsApp.Accepted, r => r.BizOpaqueCallbackData == $"{b.Id}:AdvisorBooked"));
        Assert.Single(_turtle.WhatsApp.Accepted, r => r.BizOpaqueCallbackData == $"{cancelled.Id}:AdvisorCancelled");
    }
}
