using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Turtle.Api.Access;
using Turtle.Api.Tests.Webhooks;
using Turtle.Api.Webhooks;

namespace Turtle.Api.Tests.Access;

/// <summary>
/// SPEC §14's limits on the real API in-process: sign-in attempts and webhook requests whose signature fails, per
/// address, answered 429 with <c>Retry-After</c> past the limit; deliveries that verify are never counted.
/// </summary>
public sealed partial class RequestLimitTests
{
    private const string AppSecret = "limits-app-secret";

    [Fact]
    public async Task AFloodOfForgedWebhooksIsCutOffWithRetryAfter()
    {
        using var factory = Api(("Limits:BadSignaturesPerMinute", "5"));
        using var http = factory.CreateClient();
        var body = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[]}""");

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var forged = await PostWhatsAppAsync(http, body, "sha256=" + new string('0', 64));
            answers.Add(forged.StatusCode);
        }
        using var cutOff = await PostWhatsAppAsync(http, body, "sha256=" + new string('0', 64));
        using var calendly = await http.PostAsync(new Uri(CalendlyWebhookEndpoints.Route, UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        Assert.Equal(HttpStatusCode.TooManyRequests, cutOff.StatusCode);
        var retryAfter = int.Parse(cutOff.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("application/problem+json", cutOff.Content.Headers.ContentType?.MediaType);
        Assert.Contains("failing signature", (await cutOff.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, calendly.StatusCode);
    }

    [Fact]
    public async Task ABurstOfDeliveriesThatVerifyIsNeverThrottled()
    {
        using var factory = Api(("Limits:BadSignaturesPerMinute", "5"));
        using var http = factory.CreateClient();
        var body = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[]}""");
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AppSecret), body));

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 300; i++)
        {
            using var delivery = await PostWhatsAppAsync(http, body, signature);
            answers.Add(delivery.StatusCode);
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
    }

    [Fact]
    public async Task SignInAttemptsPastTheLimitAreAnswered429WhileThePageStillLoads()
    {
        using var factory = Api(("Limits:SignInPerMinute", "3"), ("Admin:ApiKey", "the-admin-key"));
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var attempt = await SignInAsync(http, "a-guess");
            answers.Add(attempt.StatusCode);
        }
        using var limited = await SignInAsync(http, "the-admin-key");
        using var page = await http.GetAsync(new Uri("/login", UriKind.Relative));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null, "no Retry-After");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("Limits:SignInPerMinute")]
    [InlineData("Limits:BadSignaturesPerMinute")]
    public void ALimitBelowOneStopsStartNamingTheKey(string key)
    {
        var error = StartupValidation.Failure(s => s.AddRequestLimits(), (key, "0"));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static CalendlyApiFactory Api(params (string Key, string Value)[] settings) =>
        new("Production", CalendlyApiFactory.SigningKey, [("WhatsApp:AppSecret", AppSecret), .. settings]);

    private static Task<HttpResponseMessage> PostWhatsAppAsync(HttpClient http, byte[] body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/webhooks/whatsapp", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(MetaSignature.Header, signature);
        return http.SendAsync(request);
    }

    /// <summary>The key form posted as a browser posts it, with the page's antiforgery token.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string key)
    {
        var html = await http.GetStringAsync(new Uri("/login", UriKind.Relative));
        var token = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
        return await http.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(
            [new("_handler", "login"), new("__RequestVerificationToken", token), new("Form.Key", key)]));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
