using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Turtle.Testing;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Messaging;

/// <summary>The fake must refuse what Meta refuses, or tests of our sanitising prove nothing.</summary>
public sealed class FakeWhatsAppApiTests(FakeWhatsAppFixture fixture) : IClassFixture<FakeWhatsAppFixture>, IDisposable
{
    private readonly FakeWhatsAppApi _api = fixture.Api;
    private readonly HttpClient _http = new();

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("tab\there")]
    [InlineData("five     spaces")]
    public async Task ParameterMetaWouldRefuseGets132018(string parameter)
    {
        var (status, code) = await Post(Body("919800000001", parameter));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(132018, code);
    }

    [Fact]
    public async Task EmptyParameterIsRefused()
    {
        var (status, code) = await Post(Body("919800000002", ""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(131008, code);
    }

    [Fact]
    public async Task ToWithPlusSignIsRefused()
    {
        var (_, code) = await Post(Body("+919800000003", "ok"));
        Assert.Equal(100, code);
    }

    [Fact]
    public async Task MissingBearerGets401With190()
    {
        var (status, code) = await Post(Body("919800000004", "ok"), token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(190, code);
    }

    [Fact]
    public async Task UnknownPhoneNumberIdGets100()
    {
        var (status, code) = await Post(Body("919800000005", "ok"), phoneNumberId: "42");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(100, code);
    }

    [Fact]
    public async Task FailAlwaysKeepsFailingAndIsRecorded()
    {
        _api.FailAlways("+919800000006", WhatsAppFault.Undeliverable);

        Assert.Equal(131026, (await Post(Body("919800000006", "ok"))).Code);
        Assert.Equal(131026, (await Post(Body("919800000006", "ok"))).Code);
        var seen = await _api.WaitForRequestsAsync(r => r.To == "919800000006", count: 2, TimeSpan.FromSeconds(5));
        Assert.All(seen, r => Assert.Null(r.MessageId));
    }

    [Fact]
    public async Task WaitForRequestsTimesOutWithWhatItSaw()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => _api.WaitForRequestsAsync(r => r.To == "0", 1, TimeSpan.FromMilliseconds(100)));
        Assert.Contains("Expected 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusWebhookHasMetasShapeAndSignature()
    {
        var body = _api.BuildStatusPayload("wamid.X", "+919800000007", "failed", "appt-1:Reminder", 131049, "Not delivered");

        using var json = JsonDocument.Parse(body);
        Assert.Equal("whatsapp_business_account", json.RootElement.GetProperty("object").GetString());
        var change = json.RootElement.GetProperty("entry")[0].GetProperty("changes")[0];
        Assert.Equal("messages", change.GetProperty("field").GetString());
        var value = change.GetProperty("value");
        Assert.Equal(FakeWhatsAppApi.DefaultPhoneNumberId, value.GetProperty("metadata").GetProperty("phone_number_id").GetString());
        var status = value.GetProperty("statuses")[0];
        Assert.Equal("wamid.X", status.GetProperty("id").GetString());
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal("919800000007", status.GetProperty("recipient_id").GetString());
        Assert.Equal("appt-1:Reminder", status.GetProperty("biz_opaque_callback_data").GetString());
        Assert.Equal(131049, status.GetProperty("errors")[0].GetProperty("code").GetInt32());

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData("app-secret"u8.ToArray(), Encoding.UTF8.GetBytes(body)));
        Assert.Equal("sha256=" + expected, FakeWhatsAppApi.Sign("app-secret", body));
    }

    [Fact]
    public void InboundTextWebhookHasMetasShape()
    {
        using var json = JsonDocument.Parse(_api.BuildInboundTextPayload("919800000008", "STOP"));

        var value = json.RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
        Assert.Equal("919800000008", value.GetProperty("contacts")[0].GetProperty("wa_id").GetString());
        var message = value.GetProperty("messages")[0];
        Assert.Equal("919800000008", message.GetProperty("from").GetString());
        Assert.Equal("text", message.GetProperty("type").GetString());
        Assert.Equal("STOP", message.GetProperty("text").GetProperty("body").GetString());
    }

    [Fact]
    public async Task TakenMessagesAreReportedSentToTheWebhookAndARefusedReportIsTriedAgain()
    {
        await using var api = await new FakeWhatsAppApi().StartAsync();
        var port = Turtle.Testing.Processes.TurtleProcess.FreePort();
        using var webhook = new HttpListener();
        webhook.Prefixes.Add($"http://127.0.0.1:{port}/");
        webhook.Start();
        api.ReportStatusesTo(new Uri($"http://127.0.0.1:{port}/webhooks/whatsapp"), "app-secret", TimeSpan.FromMilliseconds(100));

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api.BaseUrl, $"/v23.0/{FakeWhatsAppApi.DefaultPhoneNumberId}/messages"))
        {
            Content = new StringContent(Body("919800000009", "ok").Replace("\"to\"", "\"biz_opaque_callback_data\":\"appt-9:Confirmation\",\"to\"", StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FakeWhatsAppApi.DefaultAccessToken);
        using var answer = await _http.SendAsync(request);
        using var accepted = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var messageId = accepted.RootElement.GetProperty("messages")[0].GetProperty("id").GetString();

        // The first report is refused (a webhook host restarting); Meta's retry brings the same status.
        var bodies = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var context = await webhook.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(10));
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Assert.Equal(FakeWhatsAppApi.Sign("app-secret", body), context.Request.Headers["X-Hub-Signature-256"]);
            bodies.Add(body);
            context.Response.StatusCode = i == 0 ? 503 : 200;
            context.Response.Close();
        }

        Assert.Equal(bodies[0], bodies[1]);
        using var json = JsonDocument.Parse(bodies[1]);
        var status = json.RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value").GetProperty("statuses")[0];
        Assert.Equal(messageId, status.GetProperty("id").GetString());
        Assert.Equal("sent", status.GetProperty("status").GetString());
        Assert.Equal("appt-9:Confirmation", status.GetProperty("biz_opaque_callback_data").GetString());
        await Eventually.HoldsAsync(() => api.StatusesReported == 1, TimeSpan.FromSeconds(5), "the fake counted the status it reported");
    }

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, int? Code)> Post(string body, string? token = FakeWhatsAppApi.DefaultAccessToken, string phoneNumberId = FakeWhatsAppApi.DefaultPhoneNumberId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_api.BaseUrl, $"/v23.0/{phoneNumberId}/messages"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _http.SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            return (response.StatusCode, null);
        }
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, error.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    private static string Body(string to, string parameter) => JsonSerializer.Serialize(new
    {
        messaging_product = "whatsapp",
        recipient_type = "individual",
        to,
        type = "template",
        template = new
        {
            name = "turtle_booking_confirmation",
            language = new { code = "en" },
            components = new[] { new { type = "body", parameters = new[] { new { type = "text", text = parameter } } } },
        },
    });
}
