using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Turtle.Api.Webhooks;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;
using Turtle.Testing;

namespace Turtle.Api.Tests.Hostile;

/// <summary>
/// The real Turtle.Api in-process on a real Kestrel socket (its own limits, as deployed), its Orleans client connected to
/// a real Turtle.Silo process on Azurite, the fake Graph API in Meta's place: what an attacker on the internet reaches.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostileGroup : ICollectionFixture<HostileApi>
{
    public const string Name = "hostile";
}

public sealed class HostileApi : IAsyncLifetime
{
    public const string SigningKey = "hostile-calendly-signing-key";
    public const string AppSecret = "hostile-whatsapp-app-secret";
    public const string AdminKey = "hostile-admin-key";

    private readonly TurtleDeployment _silo = new();
    private WebApplicationFactory<Program> _factory = null!;

    public FakeWhatsAppApi WhatsApp => _silo.WhatsApp;

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A client that sends the admin key; not for webhooks' own headers.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _silo.WhatsApp.StartAsync();
        await _silo.StartSiloAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("ConnectionStrings:AzureStorage", TestStorage.ConnectionString);
            web.UseSetting("Orleans:ClusterId", _silo.ClusterId);
            web.UseSetting("Orleans:ServiceId", _silo.ClusterId);
            web.UseSetting("Calendly:SigningKey", SigningKey);
            web.UseSetting("Admin:ApiKey", AdminKey);
            web.UseSetting("WhatsApp:AppSecret", AppSecret);
            web.UseSetting("WhatsApp:PhoneNumberId", FakeWhatsAppApi.DefaultPhoneNumberId);
            // These tests send thousands of forgeries from one address on purpose, to see each answered; the limit that
            // cuts such a flood off has tests of its own (RequestLimitTests).
            web.UseSetting("Limits:BadSignaturesPerMinute", "1000000");
            // Thousands of refused and malformed bodies are warnings each; a bug is logged as an error.
            web.UseSetting("Logging:LogLevel:Default", "Error");
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    /// <summary>Books through a signed webhook, waiting for the cluster client to connect first (503 until then).</summary>
    public async Task<string> BookAsync(string phone, DateTimeOffset start)
    {
        var id = Guid.NewGuid().ToString();
        var body = CalendlyWebhooks.InviteeCreated(id, phone, start);
        HttpResponseMessage? last = null;
        using var response = await Eventually.ReadAsync(async () =>
        {
            last?.Dispose();
            return last = await PostAsync(CalendlyWebhookEndpoints.Route, Encoding.UTF8.GetBytes(body), (CalendlySignature.Header, SignCalendly(Encoding.UTF8.GetBytes(body))));
        }, r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(90));
        return response.StatusCode == HttpStatusCode.OK
            ? id
            : throw new InvalidOperationException($"booking answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement?> GetAppointmentAsync(string id)
    {
        using var response = await Http.GetAsync(new Uri($"/api/appointments/{id}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<HttpResponseMessage> PostAsync(string path, byte[] body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        // A body refused unread closes its connection: a new one per request, so no request lands on one being closed.
        request.Headers.ConnectionClose = true;
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using (request)
        {
            return await Http.SendAsync(request);
        }
    }

    public static string SignCalendly(byte[] body, DateTimeOffset? at = null, string key = SigningKey) =>
        CalendlySignature.CreateHeader(key, body, at ?? DateTimeOffset.UtcNow);

    public static string SignMeta(byte[] body, string secret = AppSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await _silo.DisposeAsync();
    }
}
