using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// Business-scoped user ids on real processes (SPEC §6): a client who adopted a WhatsApp username writes with no number,
/// named by the BSUID a delivered status linked to their number; one Turtle cannot link is listed, never dropped.
/// </summary>
public sealed class WhatsAppUserIdEndToEndTests(WhatsAppUserIdEndToEndTests.Deployment turtle) : IClassFixture<WhatsAppUserIdEndToEndTests.Deployment>
{
    public sealed class Deployment : IAsyncLifetime
    {
        public TurtleDeployment Turtle { get; } = new();

        public Task InitializeAsync() => Turtle.StartAsync();

        public async Task DisposeAsync() => await Turtle.DisposeAsync();
    }

    private TurtleDeployment Turtle => turtle.Turtle;
    private FakeWhatsAppApi WhatsApp => Turtle.WhatsApp;
    private Uri Webhook => new(Turtle.ApiBase, "/webhooks/whatsapp");

    [Fact]
    public async Task StopFromAUsernameWithoutANumberSilencesTheNumberItsStatusLinked()
    {
        using var http = Turtle.CreateClient();
        const string phone = "+91 98200 61111";
        var (first, confirmation) = await BookAsync(http, phone);
        // Meta's delivered status names the recipient by number and BSUID.
        Assert.Equal(HttpStatusCode.OK, await WhatsApp.PostStatusAsync(Webhook, TurtleDeployment.AppSecret, confirmation.MessageId!, confirmation.To!, "delivered", $"{first}:Confirmation"));

        WhatsApp.AdoptUsername(phone, "asha.rao");
        var stop = WhatsApp.BuildInboundTextPayload("919820061111", "STOP");
        Assert.DoesNotContain("919820061111", stop, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await WhatsApp.PostWebhookAsync(Webhook, TurtleDeployment.AppSecret, stop));

        var second = Guid.NewGuid().ToString();
        using (var booked = await http.SendAsync(CalendlyWebhooks.SignedRequest(Turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(second, phone, DateTimeOffset.UtcNow.AddDays(4)))))
        {
            Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        }
        Assert.Equal("opted-out", await WaitForStateAsync(http, second, "Confirmation", s => s is not ("pending" or "sending")));
        Assert.Single(WhatsApp.Requests, r => r.To == "919820061111");
    }

    [Fact]
    public async Task AReplyFromAUsernameWithoutANumberIsRecordedWithItsNumbersBooking()
    {
        using var http = Turtle.CreateClient();
        const string phone = "+91 98200 62222";
        var (id, confirmation) = await BookAsync(http, phone);
        Assert.Equal(HttpStatusCode.OK, await WhatsApp.PostStatusAsync(Webhook, TurtleDeployment.AppSecret, confirmation.MessageId!, confirmation.To!, "read", $"{id}:Confirmation"));
        WhatsApp.AdoptUsername(phone, "priya.k");

        using var answer = await SendAsync(WhatsApp.BuildInboundTextPayload("919820062222", "Will the advisor call me or send a link?"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(1, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replies").GetInt32());
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/appointments/{id}", UriKind.Relative));
        Assert.Equal("Will the advisor call me or send a link?", Assert.Single(view.GetProperty("replies").EnumerateArray()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task AReplyFromAUsernameTurtleCannotLinkIsListedWithItsText()
    {
        using var http = Turtle.CreateClient();
        var userId = "IN." + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var answer = await SendAsync(WhatsApp.BuildInboundTextFromUserPayload(userId, "Hi, can I move my meeting to Friday?", "ravi.m"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(1, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unmatched").GetInt32());
        var attention = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/attention", UriKind.Relative));
        var item = Assert.Single(attention.GetProperty("items").EnumerateArray(), i => i.GetProperty("detail").GetString()?.Contains(userId, StringComparison.Ordinal) == true);
        Assert.Equal("unmatched-reply", item.GetProperty("reason").GetString());
        Assert.Contains("Hi, can I move my meeting to Friday?", item.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("@ravi.m", item.GetProperty("client").GetString());
    }

    [Fact]
    public async Task AnErasedClientsUsernameIsForgottenWithWhatTheyWroteBeforeItWasLinked()
    {
        using var http = Turtle.CreateClient();
        const string phone = "+91 98200 63333";
        var userId = FakeWhatsAppApi.UserIdOf(phone);
        // Written under the username before any status linked it: listed, with its text, under unmatched-reply.
        using (var early = await SendAsync(WhatsApp.BuildInboundTextFromUserPayload(userId, "I booked for Tuesday, is that fine?", "meera.i")))
        {
            Assert.Equal(1, (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unmatched").GetInt32());
        }
        var (id, confirmation) = await BookAsync(http, phone);
        Assert.Equal(HttpStatusCode.OK, await WhatsApp.PostStatusAsync(Webhook, TurtleDeployment.AppSecret, confirmation.MessageId!, confirmation.To!, "delivered", $"{id}:Confirmation"));
        WhatsApp.AdoptUsername(phone, "meera.i");
        using (var linked = await SendAsync(WhatsApp.BuildInboundTextPayload("919820063333", "See you then")))
        {
            Assert.Equal(1, (await linked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replies").GetInt32());
        }

        using (var erased = await http.PostAsync(new Uri("/api/clients/%2B919820063333/erase", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        }

        var attention = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/attention", UriKind.Relative));
        Assert.DoesNotContain(attention.GetProperty("items").EnumerateArray(), i => i.GetProperty("detail").GetString()?.Contains(userId, StringComparison.Ordinal) == true);
        // The username no longer reaches the erased number: a message under it is listed, not recorded with the old booking.
        using var after = await SendAsync(WhatsApp.BuildInboundTextPayload("919820063333", "Hello again"));
        var answer = await after.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, 0), (answer.GetProperty("unmatched").GetInt32(), answer.GetProperty("replies").GetInt32()));
    }

    private async Task<HttpResponseMessage> SendAsync(string body)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Hub-Signature-256", FakeWhatsAppApi.Sign(TurtleDeployment.AppSecret, body));
        return await client.SendAsync(request);
    }

    private async Task<(string Id, FakeWhatsAppRequest Confirmation)> BookAsync(HttpClient http, string phone)
    {
        var id = Guid.NewGuid().ToString();
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(Turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(id, phone, DateTimeOffset.UtcNow.AddDays(3))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation" && r.MessageId is not null, 1, TimeSpan.FromSeconds(30));
        return (id, sent.Single());
    }

    private static async Task<string?> WaitForStateAsync(HttpClient http, string id, string kind, Func<string?, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/appointments/{id}", UriKind.Relative));
            var state = view.GetProperty("notifications").EnumerateArray().Single(n => n.GetProperty("kind").GetString() == kind).GetProperty("state").GetString();
            if (done(state) || DateTime.UtcNow > deadline)
            {
                return state;
            }
            await Task.Delay(250);
        }
    }
}
