using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing.Prometheus;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// <c>POST /api/reconcile</c> on real Turtle.Silo and Turtle.Api processes, with the fake Calendly API as the silo's
/// <c>Calendly:ApiBaseUrl</c> and the fake Graph API as Meta.
/// </summary>
public sealed class ReconcileEndToEndTests(ReconcileEndToEndTests.Deployment turtle) : IClassFixture<ReconcileEndToEndTests.Deployment>, IAsyncLifetime
{
    public sealed class Deployment : IAsyncLifetime
    {
        public FakeCalendlyApi Calendly { get; } = new();
        public TurtleDeployment Turtle { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Calendly.StartAsync();
            Turtle = new TurtleDeployment(new Dictionary<string, string?>
            {
                ["Calendly__ApiToken"] = Calendly.ApiToken,
                ["Calendly__ApiBaseUrl"] = Calendly.BaseUrl.ToString(),
                ["Calendly__RetryBaseDelay"] = "00:00:00.200",
                ["Calendly__ReconcileInterval"] = "01:00:00",
            });
            await Turtle.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await Turtle.DisposeAsync();
            await Calendly.DisposeAsync();
        }
    }

    public Task InitializeAsync()
    {
        turtle.Calendly.ClearEvents();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task PostReconcileBooksWhatTheWebhookMissedAndAnswersTheResult()
    {
        using var http = turtle.Turtle.CreateClient();
        var missed = Seed(DateTimeOffset.UtcNow.AddDays(3), "+91 98111 00001");
        var gone = Seed(DateTimeOffset.UtcNow.AddDays(4), "+91 98111 00002");
        turtle.Calendly.CancelEvent(gone.Event);

        using var response = await http.PostAsync(new Uri("/api/reconcile", UriKind.Relative), null);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToString());
        Assert.Equal(2, result.GetProperty("events").GetInt32());
        Assert.Equal(2, result.GetProperty("invitees").GetInt32());
        Assert.Equal(1, result.GetProperty("created").GetInt32());
        Assert.Equal(0, result.GetProperty("cancelled").GetInt32());
        Assert.Equal(1, result.GetProperty("unchanged").GetInt32());
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        var confirmation = Assert.Single(await turtle.Turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{missed.Invitee}:Confirmation"));
        Assert.Equal("919811100001", confirmation.To);
        var view = await AppointmentApi.GetAsync(http, missed.Invitee);
        Assert.Equal("Booked", view.GetProperty("status").GetString());
        Assert.Equal("Priya Sharma", view.GetProperty("advisorName").GetString());

        using var again = await http.PostAsync(new Uri("/api/reconcile", UriKind.Relative), null);
        var repeat = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, repeat.GetProperty("created").GetInt32());
        Assert.Equal(2, repeat.GetProperty("unchanged").GetInt32());
        Assert.Single(turtle.Turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{missed.Invitee}:Confirmation");

        var metrics = PrometheusText.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{turtle.Turtle.Silos[0].Ports!.Dashboard}/metrics")));
        Assert.Contains(metrics, s => s.Name == "turtle_reconcile_runs_total" && s.Labels.GetValueOrDefault("outcome") == "ok" && s.Value >= 2);
        Assert.Contains(metrics, s => s.Name == "turtle_reconcile_bookings_total" && s.Labels.GetValueOrDefault("action") == "created" && s.Value >= 1);
    }

    [Fact]
    public async Task PostReconcileNeedsTheAdminKey()
    {
        using var http = new HttpClient { BaseAddress = turtle.Turtle.ApiBase };
        var asked = turtle.Calendly.Requests.Count;

        using var response = await http.PostAsync(new Uri("/api/reconcile", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(asked, turtle.Calendly.Requests.Count);
    }

    [Fact]
    public async Task ItsWebhookAndAReconciliationAtOnceConfirmTheBookingOnce()
    {
        using var http = turtle.Turtle.CreateClient();
        var booking = Seed(DateTimeOffset.UtcNow.AddDays(5), "+91 98111 00003");
        var body = turtle.Calendly.WebhookBody("invitee.created", booking.Event, booking.Invitee);

        var webhook = http.SendAsync(CalendlyWebhooks.SignedRequest(turtle.Turtle.ApiBase, TurtleDeployment.SigningKey, body));
        var reconcile = http.PostAsync(new Uri("/api/reconcile", UriKind.Relative), null);
        using var delivered = await webhook;
        using var reconciled = await reconcile;
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reconciled.StatusCode);
        Assert.Single(turtle.Turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{booking.Invitee}:Confirmation");
    }

    private (string Event, string Invitee) Seed(DateTimeOffset start, string phone)
    {
        var eventUuid = turtle.Calendly.SeedEvent(start);
        return (eventUuid, turtle.Calendly.SeedInvitee(eventUuid, phone: phone));
    }
}
