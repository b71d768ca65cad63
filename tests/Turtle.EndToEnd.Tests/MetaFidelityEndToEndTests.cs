using System.Diagnostics;
using System.Net;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Xunit.Abstractions;

namespace Turtle.EndToEnd.Tests;

/// <summary>Real processes against a Graph fake that is slow, or refuses the token, as the real Meta sometimes does.</summary>
public class MetaFidelityEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TurtleDeployment _turtle = new();

    public Task InitializeAsync() => _turtle.StartAsync();

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task WebhookIsAnsweredWithinTenSecondsWhileTheGraphApiStallsAndTheConfirmationGoesOnce()
    {
        using var http = _turtle.CreateClient();
        var id = Guid.NewGuid().ToString();
        var phone = "+91 98765 40777";
        _turtle.WhatsApp.StallNext(phone, TimeSpan.FromSeconds(14));
        var body = CalendlyWebhooks.InviteeCreated(id, phone, DateTimeOffset.UtcNow.AddDays(3));

        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body));
        var ack = clock.Elapsed;
        var figure = $"e2e: webhook ack {ack.TotalSeconds:0.0} s while the Graph API stalls 14 s";
        output.WriteLine(figure);
        Figures.Record(figure);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(ack < TimeSpan.FromSeconds(10), figure);
        var sent = await WaitForConfirmationStateAsync(http, id, "sent", TimeSpan.FromSeconds(40));
        Assert.StartsWith("wamid.", sent.GetProperty("messageId").GetString(), StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:Confirmation");
    }

    [Fact]
    public async Task ConfirmationMetaTookBeforeTheSiloDiedIsNotSentAgainByCalendlysRetryAndMetasStatusRecordsIt()
    {
        using var http = _turtle.CreateClient();
        var id = Guid.NewGuid().ToString();
        const string phone = "+91 98765 40779";
        // Meta takes the confirmation and holds its answer; the silo is killed -9 meanwhile, before the booking's first write.
        _turtle.WhatsApp.StallNext(phone, TimeSpan.FromSeconds(60));
        var body = CalendlyWebhooks.InviteeCreated(id, phone, DateTimeOffset.UtcNow.AddDays(3));
        using var calendly = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var first = calendly.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body));
        var taken = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation", 1, TimeSpan.FromSeconds(20))).Single();
        var silo = _turtle.Silos[0];
        silo.Kill();
        await _turtle.StartSiloAsync(silo.Ports);
        // Calendly's first delivery was not acknowledged: the API could not finish it with its silo gone.
        using (var failed = await first)
        {
            Assert.NotEqual(HttpStatusCode.OK, failed.StatusCode);
        }

        // Calendly delivers the webhook again before Meta's status has reached Turtle.
        using (var retried = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body)))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }
        var waiting = await WaitForConfirmationStateAsync(http, id, "sending", TimeSpan.FromSeconds(20));
        Assert.Contains("waiting for Meta's status", waiting.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostStatusAsync(new Uri(_turtle.ApiBase, "/webhooks/whatsapp"), TurtleDeployment.AppSecret,
            taken.MessageId!, phone, "sent", $"{id}:Confirmation"));

        var sent = await WaitForConfirmationStateAsync(http, id, "sent", TimeSpan.FromSeconds(20));
        Assert.Equal(taken.MessageId, sent.GetProperty("messageId").GetString());
        Assert.Single(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:Confirmation");
    }

    [Fact]
    public async Task RefusedTokenShowsOnTheSilosReadinessAndOnTheHeldMessage()
    {
        using var http = _turtle.CreateClient();
        _turtle.WhatsApp.RevokeToken();
        var id = Guid.NewGuid().ToString();
        using (var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(id, "+91 98765 40778", DateTimeOffset.UtcNow.AddDays(3)))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var held = await WaitForConfirmationStateAsync(http, id, "pending", TimeSpan.FromSeconds(20));
        using var silo = new HttpClient();
        var ready = await silo.GetStringAsync(new Uri($"http://127.0.0.1:{_turtle.Silos[0].Ports!.Dashboard}/health/ready"));

        Assert.Contains("190", held.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("whatsapp-account", ready, StringComparison.Ordinal);
        Assert.Contains("Degraded", ready, StringComparison.Ordinal);
        Assert.Contains("WhatsApp:AccessToken", ready, StringComparison.Ordinal);
        Assert.DoesNotContain(_turtle.WhatsApp.AccessToken, ready, StringComparison.Ordinal);
        _turtle.WhatsApp.RestoreToken();
    }

    private static async Task<System.Text.Json.JsonElement> WaitForConfirmationStateAsync(HttpClient http, string id, string state, TimeSpan timeout)
    {
        var confirmation = await Eventually.ReadAsync(
            async () => (await AppointmentApi.GetAsync(http, id, timeout)).GetProperty("notifications").EnumerateArray().Single(n => n.GetProperty("kind").GetString() == "Confirmation"),
            c => c.GetProperty("state").GetString() == state && (state != "pending" || c.TryGetProperty("lastError", out _)), timeout);
        Assert.True(confirmation.GetProperty("state").GetString() == state && (state != "pending" || confirmation.TryGetProperty("lastError", out _)),
            $"Confirmation of {id} did not become {state}: {confirmation}");
        return confirmation;
    }
}
