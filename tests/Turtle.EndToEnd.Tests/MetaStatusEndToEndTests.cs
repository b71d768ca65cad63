using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing;
using Turtle.Testing.Prometheus;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// Meta's statuses as Meta sends them (SPEC §6): matched by the message id Meta answered the send with, failures that
/// come after Meta accepted a message and without Turtle's callback data, and statuses about nothing Turtle sent.
/// </summary>
public sealed class MetaStatusEndToEndTests : IAsyncLifetime
{
    private readonly TurtleDeployment _turtle = new();
    private Uri Webhook => new(_turtle.ApiBase, "/webhooks/whatsapp");
    private FakeWhatsAppApi WhatsApp => _turtle.WhatsApp;

    public async Task InitializeAsync()
    {
        await _turtle.StartAsync();
        WhatsApp.ReportStatusesTo(Webhook, TurtleDeployment.AppSecret, TimeSpan.FromMilliseconds(200));
    }

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task FailuresMetaReportsAfterAcceptingWithoutCallbackDataReachTheirMessagesAndTheAttentionList()
    {
        using var http = _turtle.CreateClient();
        const string stopped = "+91 98300 10001";
        const string capped = "+91 98300 10002";
        const string undeliverable = "+91 98300 10003";
        WhatsApp.FailAfterAcceptingNext(stopped, WhatsAppFault.MarketingStopped);
        WhatsApp.FailAfterAcceptingNext(capped, WhatsAppFault.EcosystemEngagement);
        WhatsApp.FailAfterAcceptingNext(undeliverable, WhatsAppFault.UserInExperiment);

        var stoppedId = await AppointmentApi.BookAsync(_turtle, http, stopped, DateTimeOffset.UtcNow.AddDays(3));
        var cappedId = await AppointmentApi.BookAsync(_turtle, http, capped, DateTimeOffset.UtcNow.AddDays(3));
        var undeliverableId = await AppointmentApi.BookAsync(_turtle, http, undeliverable, DateTimeOffset.UtcNow.AddDays(3));

        var failed = await ConfirmationAsync(http, stoppedId, c => c.GetProperty("state").GetString() == "failed");
        Assert.Contains("131050", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("stopped marketing messages", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        // 131049: not retried for 24 h, then once; meanwhile it is pending, never "sent".
        var waiting = await ConfirmationAsync(http, cappedId, c => c.TryGetProperty("lastError", out var e) && e.GetString()!.Contains("131049", StringComparison.Ordinal));
        Assert.Equal("pending", waiting.GetProperty("state").GetString());
        Assert.Contains("marketing", waiting.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains($"tried once more at {DateTimeOffset.UtcNow.AddHours(24):yyyy-MM-dd HH}", waiting.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        var experiment = await ConfirmationAsync(http, undeliverableId, c => c.GetProperty("state").GetString() == "failed");
        Assert.StartsWith("130472", experiment.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        var attention = await Eventually.ReadAsync(
            async () => await http.GetFromJsonAsync<JsonElement>(new Uri("/api/attention", UriKind.Relative)),
            list => new[] { stoppedId, cappedId, undeliverableId }.All(id => Listed(list, id)), TimeSpan.FromSeconds(20));
        Assert.All(new[] { stoppedId, cappedId, undeliverableId }, id => Assert.True(Listed(attention, id), $"{id} is not on the attention list: {attention}"));
        // Each went to Meta once: none was sent again on its own.
        Assert.All(new[] { stopped, capped, undeliverable }, phone => Assert.Single(WhatsApp.Requests, r => "+" + r.To == PhoneDigits(phone)));
    }

    [Fact]
    public async Task StatusesAreMatchedByMetasMessageIdAndOnesAboutNothingTurtleSentAreCounted()
    {
        using var http = _turtle.CreateClient();
        const string phone = "+91 98300 10004";
        var id = await AppointmentApi.BookAsync(_turtle, http, phone, DateTimeOffset.UtcNow.AddDays(3));
        var sent = (await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation" && r.MessageId is not null, 1, TimeSpan.FromSeconds(30))).Single();

        // No callback data: the message id alone finds the booking's confirmation.
        using (var read = await PostAsync(WhatsApp.BuildStatusPayload(sent.MessageId!, phone, "read", bizOpaqueCallbackData: null)))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(1, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statuses").GetInt32());
        }
        var confirmation = await ConfirmationAsync(http, id, c => c.GetProperty("deliveryStatus").GetString() == "read");
        Assert.Equal("sent", confirmation.GetProperty("state").GetString());

        // About a message Turtle never sent (another tool on the same number): ignored and counted.
        using (var stranger = await PostAsync(WhatsApp.BuildStatusPayload("wamid.HBgMOTE5ODMwMDEwMDA0FQIAERgSNotTurtles", phone, "failed", bizOpaqueCallbackData: null, 131026, "Message undeliverable")))
        {
            Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
            var answer = await stranger.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(1, answer.GetProperty("unmatchedStatuses").GetInt32());
            Assert.Equal(0, answer.GetProperty("statuses").GetInt32());
        }
        Assert.Equal("sent", (await ConfirmationAsync(http, id, _ => true)).GetProperty("state").GetString());
        using var scrape = new HttpClient();
        var metrics = await scrape.GetStringAsync(new Uri(_turtle.ApiBase, "/metrics"));
        Assert.True(PrometheusText.Sum(metrics, "turtle_webhooks_total", ("source", "whatsapp"), ("outcome", "unmatched")) >= 1, metrics);
    }

    private static string PhoneDigits(string phone) => "+" + new string([.. phone.Where(char.IsAsciiDigit)]);

    private static bool Listed(JsonElement attention, string id) =>
        attention.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("appointmentId").GetString() == id && i.GetProperty("reason").GetString() == "message-failed");

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Hub-Signature-256", FakeWhatsAppApi.Sign(TurtleDeployment.AppSecret, body));
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> ConfirmationAsync(HttpClient http, string id, Func<JsonElement, bool> done)
    {
        var confirmation = await Eventually.ReadAsync(
            async () => (await AppointmentApi.GetAsync(http, id)).GetProperty("notifications").EnumerateArray().Single(n => n.GetProperty("kind").GetString() == "Confirmation"),
            done, TimeSpan.FromSeconds(30));
        Assert.True(done(confirmation), $"the confirmation of {id} is {confirmation}");
        return confirmation;
    }
}
