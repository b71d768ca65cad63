using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing;

namespace Turtle.EndToEnd.Tests;

/// <summary>Meta's side of the conversation: subscription check, delivery statuses, STOP and START.</summary>
public class WhatsAppWebhookEndToEndTests : IAsyncLifetime
{
    private readonly TurtleDeployment _turtle = new();
    private Uri Webhook => new(_turtle.ApiBase, "/webhooks/whatsapp");

    public Task InitializeAsync() => _turtle.StartAsync();

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task SubscriptionCheckEchoesTheChallengeOnlyForTheRightToken()
    {
        using var http = new HttpClient { BaseAddress = _turtle.ApiBase };

        using var right = await http.GetAsync(new Uri($"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={TurtleDeployment.VerifyToken}&hub.challenge=1158201444", UriKind.Relative));
        using var wrong = await http.GetAsync(new Uri("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("text/plain", right.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1158201444", await right.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    [Fact]
    public async Task StatusesArrivingOutOfOrderNeverDowngradeAndBadSignaturesChangeNothing()
    {
        using var http = _turtle.CreateClient();
        var (id, confirmation) = await BookAsync(http, "+91 98200 11111");
        var data = $"{id}:Confirmation";

        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostStatusAsync(Webhook, TurtleDeployment.AppSecret, confirmation.MessageId!, confirmation.To!, "read", data));
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostStatusAsync(Webhook, TurtleDeployment.AppSecret, confirmation.MessageId!, confirmation.To!, "delivered", data));
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostStatusAsync(Webhook, TurtleDeployment.AppSecret, confirmation.MessageId!, confirmation.To!, "sent", data));
        Assert.Equal(HttpStatusCode.Unauthorized, await _turtle.WhatsApp.PostStatusAsync(Webhook, "not-the-app-secret", confirmation.MessageId!, confirmation.To!, "failed", data, 131026, "Message undeliverable"));

        var entry = await NotificationAsync(http, id, "Confirmation");
        Assert.Equal("read", entry.GetProperty("deliveryStatus").GetString());
        Assert.False(entry.TryGetProperty("lastError", out _));
    }

    [Fact]
    public async Task FailedStatusRecordsMetasError()
    {
        using var http = _turtle.CreateClient();
        var (id, confirmation) = await BookAsync(http, "+91 98200 22222");

        var answer = await _turtle.WhatsApp.PostStatusAsync(Webhook, TurtleDeployment.AppSecret, confirmation.MessageId!, confirmation.To!, "failed", $"{id}:Confirmation", 131026, "Message undeliverable");

        Assert.Equal(HttpStatusCode.OK, answer);
        var entry = await NotificationAsync(http, id, "Confirmation");
        Assert.Equal("failed", entry.GetProperty("deliveryStatus").GetString());
        Assert.StartsWith("131026", entry.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopMeansNothingIsSentUntilStartEvenAfterARestart()
    {
        using var http = _turtle.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostInboundTextAsync(Webhook, TurtleDeployment.AppSecret, "919820033333", "  stop "));
        // The opt-out is stored, not only remembered by an activation.
        var silo = _turtle.Silos[0];
        silo.Kill();
        await _turtle.StartSiloAsync(silo.Ports);

        var silenced = Guid.NewGuid().ToString();
        using (var booked = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(silenced, "+91 98200 33333", DateTimeOffset.UtcNow.AddDays(3)))))
        {
            Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        }
        var state = await WaitForStateAsync(http, silenced, "Confirmation", s => s != "pending" && s != "sending");
        Assert.Equal("opted-out", state);
        Assert.DoesNotContain(_turtle.WhatsApp.Requests, r => r.To == "919820033333");

        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostInboundTextAsync(Webhook, TurtleDeployment.AppSecret, "919820033333", "START"));
        var (_, again) = await BookAsync(http, "+91 98200 33333");
        Assert.Equal("919820033333", again.To);
    }

    [Fact]
    public async Task TapOnAStopLikeButtonOptsTheNumberOut()
    {
        using var http = _turtle.CreateClient();
        var (first, _) = await BookAsync(http, "+91 98200 44444");
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostButtonTapAsync(Webhook, TurtleDeployment.AppSecret, "919820044444", "Stop promotions", "Stop promotions"));

        var silenced = Guid.NewGuid().ToString();
        using (var booked = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(silenced, "+91 98200 44444", DateTimeOffset.UtcNow.AddDays(4)))))
        {
            Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        }
        Assert.Equal("opted-out", await WaitForStateAsync(http, silenced, "Confirmation", s => s != "pending" && s != "sending"));
        Assert.Single(_turtle.WhatsApp.Requests, r => r.To == "919820044444");
        // A tap is not a reply: nothing is recorded with the first booking.
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/appointments/{first}", UriKind.Relative));
        Assert.Empty(view.GetProperty("replies").EnumerateArray());
    }

    private async Task<(string Id, Turtle.Testing.WhatsApp.FakeWhatsAppRequest Confirmation)> BookAsync(HttpClient http, string phone)
    {
        var id = Guid.NewGuid().ToString();
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(id, phone, DateTimeOffset.UtcNow.AddDays(3))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation" && r.MessageId is not null, 1, TimeSpan.FromSeconds(30));
        return (id, sent.Single());
    }

    private static async Task<JsonElement> NotificationAsync(HttpClient http, string id, string kind)
    {
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/appointments/{id}", UriKind.Relative));
        return view.GetProperty("notifications").EnumerateArray().Single(n => n.GetProperty("kind").GetString() == kind);
    }

    private static Task<string?> WaitForStateAsync(HttpClient http, string id, string kind, Func<string?, bool> done) =>
        Eventually.ReadAsync(async () => (await NotificationAsync(http, id, kind)).GetProperty("state").GetString(), done, TimeSpan.FromSeconds(30));
}
