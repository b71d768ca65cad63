using System.Net;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// The client's journey after booking through the real processes: Reconfirm and its buttons tapped on Meta's webhook,
/// Calendly's no-show marks, and replies that must survive a silo going away while Meta delivers them.
/// </summary>
public class ClientJourneyEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TurtleDeployment _turtle = new(new Dictionary<string, string?>
    {
        ["Notifications__ReconfirmLeadTime"] = "00:00:15",
        ["Notifications__FollowUpDelay"] = "00:00:03",
        // A meeting seconds away has its confirmation, bio and attendance check to one number before it starts.
        ["Notifications__RecipientSpacing"] = "00:00:00.500",
    });

    private Uri WhatsAppWebhook => new(_turtle.ApiBase, "/webhooks/whatsapp");

    public Task InitializeAsync() => _turtle.StartAsync();

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task DeclineTappedOnTheReconfirmSendsARescheduleOfferAndATapFromAnotherNumberChangesNothing()
    {
        using var http = _turtle.CreateClient();
        var id = await BookAsync(http, "+91 98200 44444", DateTimeOffset.UtcNow.AddSeconds(15 + 20));
        var reconfirm = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Reconfirm" && r.MessageId is not null, 1, Wait)).Single();
        Assert.Equal([$"{id}:attend", $"{id}:decline", $"{id}:cancel"], reconfirm.ButtonPayloads);

        // Someone else taps (a forwarded message): nothing changes.
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, "919811122233", reconfirm.ButtonPayloads[1], "No, I cannot make it", reconfirm.MessageId));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("unknown", (await AppointmentApi.GetAsync(http, id)).GetProperty("attendance").GetString());
        Assert.DoesNotContain(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:RescheduleOffer");

        // The client taps decline, and Meta delivers the tap twice.
        var tap = _turtle.WhatsApp.BuildButtonPayload("919820044444", reconfirm.ButtonPayloads[1], "No, I cannot make it", reconfirm.MessageId);
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostWebhookAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, tap));
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostWebhookAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, tap));
        var offer = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:RescheduleOffer", 1, Wait)).Single();
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal("turtle_reschedule_offer", offer.TemplateName);
        Assert.Equal("919820044444", offer.To);
        Assert.Single(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:RescheduleOffer");
        var view = await AppointmentApi.GetAsync(http, id);
        Assert.Equal("declined", view.GetProperty("attendance").GetString());
        Assert.Contains(view.GetProperty("history").EnumerateArray(),
            h => h.GetProperty("by").GetString() == "client-reply" && h.GetProperty("what").GetString()!.Contains("declined", StringComparison.Ordinal));
        Assert.Contains(view.GetProperty("history").EnumerateArray(),
            h => h.GetProperty("by").GetString() == "webhook" && h.GetProperty("what").GetString() == "Confirmation sent");
    }

    [Fact]
    public async Task NoShowMarkSendsOneReBookInvitationAndItsRemovalSendsNothing()
    {
        using var http = _turtle.CreateClient();
        var start = DateTimeOffset.UtcNow.AddDays(2);
        var id = await BookAsync(http, "+91 98200 55555", start);

        var marked = CalendlyWebhooks.InviteeNoShow(id, "+91 98200 55555", start);
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, marked));
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, marked));
        var noShow = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:NoShow", 1, Wait)).Single();
        Assert.Equal("no-show", (await AppointmentApi.GetAsync(http, id)).GetProperty("attendance").GetString());

        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, CalendlyWebhooks.InviteeNoShow(id, "+91 98200 55555", start, created: false)));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal("turtle_missed_meeting", noShow.TemplateName);
        Assert.Single(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:NoShow");
        var view = await AppointmentApi.GetAsync(http, id);
        Assert.Equal("unknown", view.GetProperty("attendance").GetString());
        var followUp = view.GetProperty("notifications").EnumerateArray().Single(n => n.GetProperty("kind").GetString() == "FollowUp");
        Assert.Equal("cancelled", followUp.GetProperty("state").GetString());
    }

    [Fact]
    public async Task FollowUpGoesAfterTheMeetingAndANoShowMarkedAfterItSendsOneNoShow()
    {
        using var http = _turtle.CreateClient();
        var start = DateTimeOffset.UtcNow.AddSeconds(25);
        var end = start.AddSeconds(10);
        var id = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, CalendlyWebhooks.InviteeCreated(id, "+91 98200 77777", start, end: end)));

        var followUp = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:FollowUp" && r.MessageId is not null, 1, Wait)).Single();
        Assert.True(followUp.ReceivedAt >= end.AddSeconds(3), $"the follow-up went at {followUp.ReceivedAt:O}, before the meeting's end + 3 s");

        // Calendly marks the no-show after the follow-up went, and delivers the mark twice.
        var marked = CalendlyWebhooks.InviteeNoShow(id, "+91 98200 77777", start, end: end);
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, marked));
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, marked));
        await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:NoShow" && r.MessageId is not null, 1, Wait);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Single(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:NoShow");
        Assert.Single(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:FollowUp");
        Assert.Equal("no-show", (await AppointmentApi.GetAsync(http, id)).GetProperty("attendance").GetString());
    }

    [Fact]
    public async Task AttendanceTapForACancelledBookingChangesNothingAndACancelledBookingGetsNoFollowUp()
    {
        using var http = _turtle.CreateClient();
        var start = DateTimeOffset.UtcNow.AddSeconds(25);
        var end = start.AddSeconds(5);
        var id = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, CalendlyWebhooks.InviteeCreated(id, "+91 98200 88888", start, end: end)));
        await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation" && r.MessageId is not null, 1, Wait);
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, CalendlyWebhooks.InviteeCanceled(id, "+91 98200 88888", start)));
        await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Cancellation" && r.MessageId is not null, 1, Wait);

        // The client taps decline on an older attendance check: the booking is cancelled, so nothing changes.
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, "919820088888", $"{id}:decline", "No, I cannot make it"));
        // Past the meeting's end and the follow-up delay.
        await Task.Delay(end.AddSeconds(3 + 3) - DateTimeOffset.UtcNow);

        var view = await AppointmentApi.GetAsync(http, id);
        Assert.Equal("Cancelled", view.GetProperty("status").GetString(), ignoreCase: true);
        Assert.Equal("unknown", view.GetProperty("attendance").GetString());
        Assert.DoesNotContain(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:RescheduleOffer");
        Assert.DoesNotContain(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:FollowUp");
        Assert.DoesNotContain(_turtle.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{id}:AdvisorDeclined");
    }

    [Fact]
    public async Task ReplyDeliveredWhileTheSiloIsDownIsRefusedThenRecordedOnceWhenMetaDeliversItAgain()
    {
        using var http = _turtle.CreateClient();
        var id = await BookAsync(http, "+91 98200 66666", DateTimeOffset.UtcNow.AddDays(3));
        // Past the day index's write-behind: what a kill -9 can lose is only what the last few seconds added.
        await Task.Delay(TimeSpan.FromSeconds(7));
        var reply = _turtle.WhatsApp.BuildInboundTextPayload("919820066666", "Will the meeting be in English?", messageId: "wamid.reply-" + Guid.NewGuid().ToString("N"));

        var silo = _turtle.Silos[0];
        silo.Kill();
        var refused = await _turtle.WhatsApp.PostWebhookAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, reply);
        await _turtle.StartSiloAsync(silo.Ports);
        var accepted = await RedeliverUntilAcceptedAsync(reply);
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostWebhookAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, reply));

        Assert.False(refused is >= HttpStatusCode.OK and < HttpStatusCode.MultipleChoices, $"answered {refused} while the silo was down");
        Assert.Equal(HttpStatusCode.OK, accepted);
        var replies = (await AppointmentApi.GetAsync(http, id, Wait)).GetProperty("replies").EnumerateArray().ToList();
        var recorded = Assert.Single(replies);
        Assert.Equal("Will the meeting be in English?", recorded.GetProperty("text").GetString());
        Assert.True(recorded.GetProperty("at").TryGetDateTimeOffset(out _));
    }

    /// <summary>Meta retries a delivery that was not answered 2xx; here, until it is (the restarted silo may still be joining).</summary>
    private Task<HttpStatusCode> RedeliverUntilAcceptedAsync(string body) =>
        Eventually.ReadAsync(() => _turtle.WhatsApp.PostWebhookAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, body), status => status == HttpStatusCode.OK, Wait);

    private async Task<string> BookAsync(HttpClient http, string phone, DateTimeOffset start)
    {
        var id = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, CalendlyWebhooks.InviteeCreated(id, phone, start)));
        await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation" && r.MessageId is not null, 1, Wait);
        return id;
    }

    private async Task<HttpStatusCode> PostCalendlyAsync(HttpClient http, string body)
    {
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body));
        return response.StatusCode;
    }
}
