using System.Net;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Xunit.Abstractions;

namespace Turtle.EndToEnd.Tests;

/// <summary>Real processes whose storage goes through a proxy that can refuse writes, as during an outage.</summary>
public class StorageOutageEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TableProxy _storage = new(TestStorage.ConnectionString);
    private TurtleDeployment _turtle = null!;
    private volatile bool _appointmentWritesDown;

    public async Task InitializeAsync()
    {
        await _storage.StartAsync();
        _storage.Refuse = (verb, table) => _appointmentWritesDown && table == "TurtleAppointments" && verb is not "GET";
        _turtle = new TurtleDeployment(new Dictionary<string, string?> { ["ConnectionStrings__AzureStorage"] = _storage.ConnectionString });
        await _turtle.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _turtle.DisposeAsync();
        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task ConfirmationSentWhileTheBookingCannotBeStoredIsRecordedWhenStorageReturnsAndNeverSentTwice()
    {
        using var http = _turtle.CreateClient();
        var id = Guid.NewGuid().ToString();
        var body = CalendlyWebhooks.InviteeCreated(id, "+91 98765 43230", DateTimeOffset.UtcNow.AddDays(3));
        var callback = $"{id}:Confirmation";

        _appointmentWritesDown = true;
        using (var refused = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body)))
        {
            // Not stored, so not acknowledged: Calendly will deliver it again.
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        }
        Assert.Single(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == callback);

        var healedAt = DateTimeOffset.UtcNow;
        var writesBefore = AppointmentWrites();
        _appointmentWritesDown = false;
        // No webhook retry yet: the booking writes itself once storage answers again.
        await Eventually.ReadAsync(AppointmentWrites, writes => writes != writesBefore, TimeSpan.FromSeconds(30));
        Assert.True(AppointmentWrites() > writesBefore, "the booking was not written within 30 s of storage returning");
        var figure = $"e2e storage outage: booking stored {(DateTimeOffset.UtcNow - healedAt).TotalSeconds:0.0} s after appointment writes were accepted again";
        output.WriteLine(figure);
        Figures.Record(figure);

        using (var retried = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body)))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        // What storage holds, not what an activation remembers: a restarted silo reads it back.
        var silo = _turtle.Silos[0];
        silo.Kill();
        await _turtle.StartSiloAsync(silo.Ports);
        var view = await AppointmentApi.GetAsync(http, id, TimeSpan.FromSeconds(60));
        var confirmation = view.GetProperty("notifications").EnumerateArray().Single(n => n.GetProperty("kind").GetString() == "Confirmation");
        Assert.Equal("Booked", view.GetProperty("status").GetString());
        Assert.Equal("sent", confirmation.GetProperty("state").GetString());
        var request = Assert.Single(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == callback);
        Assert.Equal(request.MessageId, confirmation.GetProperty("messageId").GetString());
    }

    private int AppointmentWrites() => _storage.Snapshot()
        .Where(kv => kv.Key is "POST TurtleAppointments" or "PUT TurtleAppointments" or "MERGE TurtleAppointments" or "PATCH TurtleAppointments")
        .Sum(kv => kv.Value);
}
