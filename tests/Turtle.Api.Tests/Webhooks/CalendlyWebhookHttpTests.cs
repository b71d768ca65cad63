using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Turtle.Api.Webhooks;
using Turtle.Testing.Calendly;

namespace Turtle.Api.Tests.Webhooks;

public sealed class CalendlyWebhookHttpTests(CalendlyWebhookHttpTests.SignedApp app) : IClassFixture<CalendlyWebhookHttpTests.SignedApp>
{
    public sealed class SignedApp() : IDisposable
    {
        public CalendlyApiFactory Factory { get; } = new("Production", CalendlyApiFactory.SigningKey);

        public void Dispose() => Factory.Dispose();
    }

    private const string Route = "/webhooks/calendly";

    private CalendlyApiFactory Factory => app.Factory;

    [Fact]
    public async Task UnsignedWebhookIsRefused()
    {
        var response = await Factory.CreateClient().PostAsync(Route, Json(Payloads.Read(Payloads.Created)));

        await AssertProblem(response, HttpStatusCode.Unauthorized, "header is missing");
    }

    [Fact]
    public async Task WebhookSignedWithAnotherKeyIsRefused()
    {
        var body = Payloads.Read(Payloads.Created);

        var response = await Post(body, CalendlySignature.CreateHeader("not-the-key", body, Factory.Time.GetUtcNow()));

        await AssertProblem(response, HttpStatusCode.Unauthorized, "does not match");
    }

    [Fact]
    public async Task TamperedBodyIsRefused()
    {
        var body = Payloads.Read(Payloads.Created);
        var header = CalendlySignature.CreateHeader(CalendlyApiFactory.SigningKey, body, Factory.Time.GetUtcNow());

        var response = await Post(Payloads.Read(Payloads.Canceled), header);

        await AssertProblem(response, HttpStatusCode.Unauthorized, "does not match");
    }

    [Fact]
    public async Task ReplayedOldWebhookIsRefused()
    {
        var body = Payloads.Read(Payloads.Created);
        var header = CalendlySignature.CreateHeader(CalendlyApiFactory.SigningKey, body, Factory.Time.GetUtcNow().AddMinutes(-4));

        var response = await Post(body, header);

        await AssertProblem(response, HttpStatusCode.Unauthorized, "3 minutes");
    }

    [Fact]
    public async Task MalformedSignatureHeaderIsRefused()
    {
        var response = await Post(Payloads.Read(Payloads.Created), "t=now,v1=whatever");

        await AssertProblem(response, HttpStatusCode.Unauthorized, "not 't=<unix>,v1=<hex>'");
    }

    [Fact]
    public async Task MalformedJsonIsBadRequestNamingTheBody()
    {
        var problem = await AssertProblem(await Signed("{\"event\": \"invitee.created\", "u8.ToArray()), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
    }

    [Fact]
    public async Task MissingInviteeUriIsBadRequestNamingTheField()
    {
        var body = Payloads.Edit(Payloads.Created, root => root.Payload().Remove("uri"));

        var problem = await AssertProblem(await Signed(body), HttpStatusCode.BadRequest);

        Assert.Equal("required", problem.GetProperty("errors").GetProperty("payload.uri")[0].GetString());
    }

    /// <summary>SPEC §5: <c>payload.uri</c> must be an invitee URI whose ids are UUIDs or Calendly's 16-character ids.</summary>
    [Theory]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2")]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/")]
    [InlineData("https://api.calendly.com/users/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69")]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/not-an-id")]
    [InlineData("https://api.calendly.com/scheduled_events/EVENT/invitees/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69")]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69/cancellation")]
    [InlineData("5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69")]
    [InlineData("Asha Rao")]
    public async Task UriThatIsNotAnInviteeUriIsBadRequestNamingTheField(string uri)
    {
        var body = Payloads.Edit(Payloads.Created, root => root.Payload()["uri"] = uri);

        var problem = await AssertProblem(await Signed(body), HttpStatusCode.BadRequest);

        Assert.StartsWith("must be an invitee URI", problem.GetProperty("errors").GetProperty("payload.uri")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/5A1C9E0B-7D3F-4C2A-9B8E-1F2D3C4B5A69")]
    [InlineData("https://api.calendly.com/scheduled_events/3f2b1c0d-1111-4222-8333-944455566677/invitees/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69")]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA")]
    public async Task InviteeUrisWithUuidsOrOlderIdsAreTaken(string uri)
    {
        var body = Payloads.Edit(Payloads.Created, root => root.Payload()["uri"] = uri);

        // Valid, so it goes on to the cluster, which this app cannot reach.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Signed(body)).StatusCode);
    }

    /// <summary>SPEC §5: start and end must be times, the end after the start; a missing, empty or inverted one is named.</summary>
    [Theory]
    [InlineData("start_time", null)]
    [InlineData("start_time", "")]
    [InlineData("start_time", "  ")]
    [InlineData("start_time", "soon")]
    [InlineData("end_time", null)]
    [InlineData("end_time", "")]
    [InlineData("end_time", "later")]
    [InlineData("end_time", "2026-11-25T09:00:00.000000Z")]
    [InlineData("end_time", "2026-11-25T10:00:00.000000Z")]
    public async Task MissingEmptyBadOrInvertedMeetingTimeIsBadRequestNamingTheField(string field, string? value)
    {
        var body = Payloads.Edit(Payloads.Created, root =>
        {
            var scheduled = root.ScheduledEvent();
            scheduled["start_time"] = "2026-11-25T10:00:00.000000Z";
            scheduled["end_time"] = "2026-11-25T10:30:00.000000Z";
            if (value is null)
            {
                scheduled.Remove(field);
            }
            else
            {
                scheduled[field] = value;
            }
        });

        var problem = await AssertProblem(await Signed(body), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty($"payload.scheduled_event.{field}", out _), problem.ToString());
    }

    [Fact]
    public async Task UnhandledEventTypeIsAcknowledgedAndIgnored()
    {
        var response = await Signed("""{"event":"routing_form_submission.created","created_at":"2026-11-20T09:14:03Z","payload":{}}"""u8.ToArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ignored", answer.GetProperty("status").GetString());
        Assert.Equal("routing_form_submission.created", answer.GetProperty("event").GetString());
    }

    [Fact]
    public async Task BodyOverLimitIsTooLarge()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"event":"invitee.created","padding":"{{new string('x', CalendlyWebhookEndpoints.MaxBodyBytes)}}"}""");

        var response = await Signed(body);

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "256 KiB");
    }

    [Fact]
    public async Task BodyExactlyAtLimitIsRead()
    {
        var prefix = "{\"event\":\"ping\",\"padding\":\""u8.ToArray();
        var body = new byte[CalendlyWebhookEndpoints.MaxBodyBytes];
        Array.Fill(body, (byte)'x');
        prefix.CopyTo(body, 0);
        "\"}"u8.CopyTo(body.AsSpan(body.Length - 2));

        var response = await Signed(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BookingWhileClusterUnreachableIsServiceUnavailableWithRetryAfter()
    {
        var response = await Signed(Payloads.Read(Payloads.Created));

        await AssertProblem(response, HttpStatusCode.ServiceUnavailable, "cluster");
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task CancelWhileClusterUnreachableIsServiceUnavailable()
    {
        var response = await Signed(Payloads.Read(Payloads.Canceled));

        await AssertProblem(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task WithoutKeyOutsideDevelopmentEveryWebhookIsRefused()
    {
        using var factory = new CalendlyApiFactory("Production", signingKey: null);
        var body = """{"event":"routing_form_submission.created","payload":{}}"""u8.ToArray();

        var unsigned = await factory.CreateClient().PostAsync(Route, Json(body));
        var signed = await Post(factory, body, CalendlySignature.CreateHeader("any", body, factory.Time.GetUtcNow()));

        await AssertProblem(unsigned, HttpStatusCode.Unauthorized, "Calendly:SigningKey");
        await AssertProblem(signed, HttpStatusCode.Unauthorized, "Calendly:SigningKey");
    }

    [Fact]
    public async Task WithoutKeyInDevelopmentUnsignedWebhooksAreAccepted()
    {
        using var factory = new CalendlyApiFactory("Development", signingKey: null);

        var response = await factory.CreateClient().PostAsync(Route, Json("""{"event":"routing_form_submission.created","payload":{}}"""u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("india")]
    [InlineData("in")]
    [InlineData("XX")]
    [InlineData("")]
    public void InvalidDefaultRegionFailsStartNamingTheKey(string region)
    {
        using var factory = new CalendlyApiFactory("Production", CalendlyApiFactory.SigningKey, ("Notifications:DefaultRegion", region));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Notifications:DefaultRegion", error.Message, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> Signed(byte[] body) =>
        Post(body, CalendlySignature.CreateHeader(CalendlyApiFactory.SigningKey, body, Factory.Time.GetUtcNow().AddSeconds(-20)));

    private Task<HttpResponseMessage> Post(byte[] body, string signature) => Post(Factory, body, signature);

    private static async Task<HttpResponseMessage> Post(CalendlyApiFactory factory, byte[] body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = Json(body) };
        request.Headers.TryAddWithoutValidation(CalendlySignature.Header, signature);
        return await factory.CreateClient().SendAsync(request);
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? detail = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (detail is not null)
        {
            Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        return problem;
    }
}
