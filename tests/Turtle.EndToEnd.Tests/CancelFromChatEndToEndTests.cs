using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// The Reconfirm's "cancel" button (SPEC §15) on real processes: the meeting is cancelled at the fake Calendly API, whose
/// own <c>invitee.canceled</c> webhook then brings the Cancellation, once.
/// </summary>
public sealed class CancelFromChatEndToEndTests(ReconcileEndToEndTests.Deployment turtle) : IClassFixture<ReconcileEndToEndTests.Deployment>
{
    private Uri WhatsAppWebhook => new(turtle.Turtle.ApiBase, "/webhooks/whatsapp");

    [Fact]
    public async Task CancelTappedFromTheBookingsNumberCancelsAtCalendlyOnceAndCalendlysWebhookSendsOneCancellation()
    {
        using var http = turtle.Turtle.CreateClient();
        var (eventUuid, id) = await BookAsync(http, "+91 98222 00001");

        // From another number, the tap changes nothing.
        Assert.Equal(HttpStatusCode.OK, await turtle.Turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, "919822200099", $"{id}:cancel", "Cancel the meeting"));
        // From the booking's own number, twice (Meta delivers again, or the client taps again): cancelled once at Calendly.
        Assert.Equal(HttpStatusCode.OK, await turtle.Turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, "919822200001", $"{id}:cancel", "Cancel the meeting"));
        Assert.Equal(HttpStatusCode.OK, await turtle.Turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, "919822200001", $"{id}:cancel", "Cancel the meeting"));

        var cancellation = Assert.Single(turtle.Calendly.Requests, r => r.Method == "POST" && r.Path == $"/scheduled_events/{eventUuid}/cancellation");
        Assert.Equal(201, cancellation.StatusCode);
        Assert.Equal("Cancelled by the client on WhatsApp", JsonDocument.Parse(cancellation.Body).RootElement.GetProperty("reason").GetString());
        var booking = await AppointmentApi.GetAsync(http, id);
        Assert.Contains(booking.GetProperty("history").EnumerateArray(), h => h.GetProperty("what").GetString()!.Contains("cancelled at Calendly", StringComparison.Ordinal));

        // Calendly's own webhook, delivered twice, cancels the booking and sends one Cancellation.
        var inviteeUuid = id;
        for (var i = 0; i < 2; i++)
        {
            using var canceled = await http.SendAsync(CalendlyWebhooks.SignedRequest(turtle.Turtle.ApiBase, TurtleDeployment.SigningKey,
                turtle.Calendly.WebhookBody("invitee.canceled", eventUuid, inviteeUuid)));
            Assert.Equal(HttpStatusCode.OK, canceled.StatusCode);
        }
        await turtle.Turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Cancellation" && r.MessageId is not null, 1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(turtle.Turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:Cancellation");
        Assert.Equal("Cancelled", (await AppointmentApi.GetAsync(http, id)).GetProperty("status").GetString());

        // A tap on the cancelled meeting changes nothing.
        Assert.Equal(HttpStatusCode.OK, await turtle.Turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, "919822200001", $"{id}:cancel", "Cancel the meeting"));
        Assert.Single(turtle.Calendly.Requests, r => r.Method == "POST" && r.Path.EndsWith("/cancellation", StringComparison.Ordinal) && r.Path.Contains(eventUuid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancelTappedWhenCalendlyRefusesIsListedForAPersonUnderCancelRequested()
    {
        using var http = turtle.Turtle.CreateClient();
        var (eventUuid, id) = await BookAsync(http, "+91 98222 00002");
        // Someone cancelled it in Calendly already, and its webhook has not reached Turtle.
        turtle.Calendly.CancelEvent(eventUuid);

        Assert.Equal(HttpStatusCode.OK, await turtle.Turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, "919822200002", $"{id}:cancel", "Cancel the meeting"));

        Assert.Equal(403, Assert.Single(turtle.Calendly.Requests, r => r.Path == $"/scheduled_events/{eventUuid}/cancellation").StatusCode);
        var attention = await Eventually.ReadAsync(
            async () => await http.GetFromJsonAsync<JsonElement>(new Uri("/api/attention", UriKind.Relative)),
            list => list.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("appointmentId").GetString() == id), TimeSpan.FromSeconds(20));
        var item = Assert.Single(attention.GetProperty("items").EnumerateArray(), i => i.GetProperty("appointmentId").GetString() == id);
        Assert.Equal("cancel-requested", item.GetProperty("reason").GetString());
        Assert.Contains("403", item.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<(string Event, string Id)> BookAsync(HttpClient http, string phone)
    {
        var eventUuid = turtle.Calendly.SeedEvent(DateTimeOffset.UtcNow.AddDays(3));
        var inviteeUuid = turtle.Calendly.SeedInvitee(eventUuid, phone: phone);
        using var booked = await http.SendAsync(CalendlyWebhooks.SignedRequest(turtle.Turtle.ApiBase, TurtleDeployment.SigningKey,
            turtle.Calendly.WebhookBody("invitee.created", eventUuid, inviteeUuid)));
        Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        await AppointmentApi.GetAsync(http, inviteeUuid);
        return (eventUuid, inviteeUuid);
    }
}
