using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turtle.Api.Webhooks;
using Turtle.Testing.Calendly;
using Turtle.Testing.WhatsApp;

namespace Turtle.Api.Tests.Webhooks;

/// <summary>What reaches the webhooks that is not for Turtle, larger than usual, or signed by a drifting clock (no cluster needed).</summary>
public sealed class WebhookHygieneTests : IDisposable
{
    private const string AppSecret = "hygiene-app-secret";

    private readonly CalendlyApiFactory _api = new("Production", CalendlyApiFactory.SigningKey,
        ("WhatsApp:AppSecret", AppSecret), ("WhatsApp:PhoneNumberId", FakeWhatsAppApi.DefaultPhoneNumberId), ("Calendly:SignatureTolerance", "00:10:00"));
    private readonly FakeWhatsAppApi _meta = new();

    [Fact]
    public async Task UpdatesAboutAnotherBusinessNumberAreIgnored()
    {
        var status = _meta.BuildStatusPayload("wamid.other", "919800000001", "delivered", "4c6b4d0e-1111-4a5b-9c8d-2e3f4a5b6c7d:Confirmation");
        var text = _meta.BuildInboundTextPayload("919800000001", "STOP");

        var answers = new List<JsonElement>();
        foreach (var body in new[] { status, text })
        {
            using var response = await PostMetaAsync(AboutAnotherNumber(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        Assert.All(answers, a => Assert.Equal(1, a.GetProperty("ignored").GetInt32()));
        Assert.All(answers, a => Assert.Equal(0, a.GetProperty("statuses").GetInt32() + a.GetProperty("optOuts").GetInt32()));
    }

    [Fact]
    public async Task MetaBatchLargerThanCalendlysLimitIsTakenUpToThreeMebibytes()
    {
        var large = Batch(targetBytes: 1 << 20);
        var tooLarge = Batch(targetBytes: (3 << 20) + 1024);

        using var accepted = await PostMetaAsync(large);
        using var refused = await PostMetaAsync(tooLarge);

        Assert.True(Encoding.UTF8.GetByteCount(large) > 256 * 1024);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    [Fact]
    public async Task CalendlySignatureToleranceIsTheConfiguredOne()
    {
        var body = Payloads.Read(Payloads.Created);
        var fiveMinutesOld = CalendlySignature.CreateHeader(CalendlyApiFactory.SigningKey, body, _api.Time.GetUtcNow().AddMinutes(-5));
        var elevenMinutesOld = CalendlySignature.CreateHeader(CalendlyApiFactory.SigningKey, body, _api.Time.GetUtcNow().AddMinutes(-11));

        using var within = await PostCalendlyAsync(body, fiveMinutesOld);
        using var beyond = await PostCalendlyAsync(body, elevenMinutesOld);

        // Within the tolerance the signature holds; the booking then waits for a cluster this test does not have.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, within.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, beyond.StatusCode);
        Assert.Contains("10 minutes", await beyond.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _api.Dispose();

    /// <summary>Statuses about another business number, as many as it takes to reach <paramref name="targetBytes"/>.</summary>
    private string Batch(int targetBytes)
    {
        var root = JsonNode.Parse(AboutAnotherNumber(_meta.BuildStatusPayload("wamid.0", "919800000001", "delivered", null)))!;
        var statuses = root["entry"]![0]!["changes"]![0]!["value"]!["statuses"]!.AsArray();
        var one = statuses[0]!.ToJsonString();
        for (var i = 1; one.Length * i < targetBytes; i++)
        {
            statuses.Add(JsonNode.Parse(one.Replace("wamid.0", $"wamid.{i}", StringComparison.Ordinal)));
        }
        return root.ToJsonString();
    }

    private static string AboutAnotherNumber(string body) =>
        body.Replace($"\"phone_number_id\":\"{FakeWhatsAppApi.DefaultPhoneNumberId}\"", "\"phone_number_id\":\"109999999999999\"", StringComparison.Ordinal);

    private Task<HttpResponseMessage> PostMetaAsync(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Hub-Signature-256", FakeWhatsAppApi.Sign(AppSecret, body));
        return _api.CreateClient().SendAsync(request);
    }

    private Task<HttpResponseMessage> PostCalendlyAsync(byte[] body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/calendly") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(CalendlySignature.Header, signature);
        return _api.CreateClient().SendAsync(request);
    }
}
