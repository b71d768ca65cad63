using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Turtle.Api.Access;
using Turtle.Api.OperationsConsole.Actions;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.Api.Tests.Cluster;

/// <summary>
/// The real Turtle.Api in-process, its Orleans client connected to a real Turtle.Silo process on Azurite, with the fake
/// Graph API in Meta's place: a booking made through the API, all the way.
/// </summary>
public sealed class ApiOnClusterTests(ApiOnClusterTests.Deployment turtle) : IClassFixture<ApiOnClusterTests.Deployment>
{
    private const string SigningKey = "in-process-signing-key";
    private const string AdminKey = "in-process-admin-key";
    private const string ViewerKey = "in-process-viewer-key";
    private const string OperatorKey = "in-process-operator-key";

    public sealed class Deployment : IAsyncLifetime
    {
        private readonly TurtleDeployment _silo = new();

        public FakeWhatsAppApi WhatsApp => _silo.WhatsApp;
        public WebApplicationFactory<Program> Api { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _silo.WhatsApp.StartAsync();
            await _silo.StartSiloAsync();
            Api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            {
                web.UseEnvironment("Production");
                web.UseSetting("ConnectionStrings:AzureStorage", TestStorage.ConnectionString);
                web.UseSetting("Orleans:ClusterId", _silo.ClusterId);
                web.UseSetting("Orleans:ServiceId", _silo.ClusterId);
                web.UseSetting("Calendly:SigningKey", SigningKey);
                web.UseSetting("Admin:ApiKey", AdminKey);
                web.UseSetting("Admin:ApiKeys:wallboard:Hash", ApiKeyRing.HashOf(ViewerKey));
                web.UseSetting("Admin:ApiKeys:wallboard:Role", "viewer");
                web.UseSetting("Admin:ApiKeys:ops-script:Hash", ApiKeyRing.HashOf(OperatorKey));
                web.UseSetting("Admin:ApiKeys:ops-script:Role", "operator");
            });
        }

        public async Task DisposeAsync()
        {
            await Api.DisposeAsync();
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task SignedWebhookIsStoredConfirmedAndShownByTheApi()
    {
        using var http = turtle.Api.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var id = Guid.NewGuid().ToString();
        var body = CalendlyWebhooks.InviteeCreated(id, "+91 98765 40001", DateTimeOffset.UtcNow.AddDays(3));

        using var response = await SendUntilConnectedAsync(http, body);
        var confirmation = await turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation", 1, TimeSpan.FromSeconds(30));
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/appointments/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Booked", view.GetProperty("status").GetString());
        Assert.Equal("Priya Sharma", view.GetProperty("advisorName").GetString());
        Assert.Equal("919876540001", Assert.Single(confirmation).To);
        var listed = await http.GetFromJsonAsync<JsonElement>(new Uri(
            $"/api/appointments?from={DateTimeOffset.UtcNow.AddDays(2):O}&to={DateTimeOffset.UtcNow.AddDays(4):O}".Replace("+", "%2B", StringComparison.Ordinal), UriKind.Relative));
        Assert.Contains(listed.EnumerateArray(), a => a.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task AViewerKeyReadsButMayNotRefreshWhileAnOperatorKeyMay()
    {
        await BookAsync();
        var since = DateTimeOffset.UtcNow;
        using var viewer = turtle.Api.CreateClient();
        viewer.DefaultRequestHeaders.Add("X-Api-Key", ViewerKey);
        using var operatorClient = turtle.Api.CreateClient();
        operatorClient.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);

        using var read = await viewer.GetAsync(new Uri("/api/advisors", UriKind.Relative));
        using var refusedRefresh = await viewer.PostAsync(new Uri("/api/advisors/refresh", UriKind.Relative), null);
        using var refresh = await operatorClient.PostAsync(new Uri("/api/advisors/refresh", UriKind.Relative), null);
        using var operatorRead = await operatorClient.GetAsync(new Uri("/api/attention", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedRefresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, operatorRead.StatusCode);
        using var admin = turtle.Api.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        // The record is the storage account's, not one cluster's: this test's window holds its own refresh only.
        var audit = await admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/audit?from={Uri.EscapeDataString(since.ToString("O"))}", UriKind.Relative));
        var refreshes = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "refresh-advisors").ToList();
        var entry = Assert.Single(refreshes);
        Assert.Equal(("ops-script", "key"), (entry.GetProperty("actor").GetString(), entry.GetProperty("actorKind").GetString()));
    }

    [Fact]
    public async Task AnAdminErasesAClientWhoseBookingThenShowsNoPersonalDataAndBadInputChangesNothing()
    {
        using var http = turtle.Api.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var digits = "9198" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var id = Guid.NewGuid().ToString();
        using (var booked = await SendUntilConnectedAsync(http, CalendlyWebhooks.InviteeCreated(id, "+" + digits, DateTimeOffset.UtcNow.AddDays(3), name: "Meera Iyer", email: "meera.iyer@example.com")))
        {
            Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        }
        await turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation", 1, TimeSpan.FromSeconds(30));
        var erase = new Uri($"/api/clients/%2B{digits}/erase", UriKind.Relative);

        // A viewer's and an operator's keys may not erase; a malformed number and an unknown one change nothing.
        foreach (var key in new[] { ViewerKey, OperatorKey })
        {
            using var refused = new HttpRequestMessage(HttpMethod.Post, erase) { Headers = { { "X-Api-Key", key } } };
            using var answer = await turtle.Api.CreateClient().SendAsync(refused);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            Assert.Equal("admin", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requiredRole").GetString());
        }
        using (var malformed = await http.PostAsync(new Uri("/api/clients/98123/erase", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.True((await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("phone", out _));
        }
        using (var unknown = await http.PostAsync(new Uri("/api/clients/%2B919700000001/erase", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        }
        var before = await http.GetStringAsync(new Uri($"/api/appointments/{id}", UriKind.Relative));
        Assert.Contains("Meera Iyer", before, StringComparison.Ordinal);

        using var erased = await http.PostAsync(erase, null);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var result = await erased.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, "kept"), (result.GetProperty("bookings").GetInt32(), result.GetProperty("record").GetString()));
        Assert.DoesNotContain(digits, result.GetRawText(), StringComparison.Ordinal);

        var after = await http.GetStringAsync(new Uri($"/api/appointments/{id}", UriKind.Relative));
        foreach (var personal in new[] { "Meera", "Iyer", "meera.iyer@example.com", digits, digits[^4..] })
        {
            Assert.DoesNotContain(personal, after, StringComparison.OrdinalIgnoreCase);
        }
        var view = JsonDocument.Parse(after).RootElement;
        Assert.False(view.TryGetProperty("clientName", out _));
        Assert.False(view.TryGetProperty("phoneMasked", out _));
        Assert.True(view.TryGetProperty("clientErasedAt", out _));

        // Again: safe, nothing more to erase; the record keeps the conversation and both erasures.
        using var repeated = await http.PostAsync(erase, null);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(0, (await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookings").GetInt32());
        var record = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/records?phone=%2B{digits}", UriKind.Relative));
        Assert.Equal(2, record.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("kind").GetString() == "erase"));
        var audit = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/audit", UriKind.Relative));
        Assert.DoesNotContain(digits, audit.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "erase");
    }

    [Fact]
    public async Task AnOperatorsRetryAndRevealAreStaffEntriesOfTheClientsRecordAndListedByTheAudit()
    {
        var id = Guid.NewGuid().ToString();
        var digits = Random.Shared.Next(10_000, 99_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var phone = "+9198765" + digits;
        using var http = turtle.Api.CreateClient();
        using var booked = await SendUntilConnectedAsync(http, CalendlyWebhooks.InviteeCreated(id, "+91 98765 " + digits, DateTimeOffset.UtcNow.AddDays(3)));
        using var operatorClient = turtle.Api.CreateClient();
        operatorClient.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
        using var admin = turtle.Api.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);

        // Whatever the retry comes to (the confirmation was not failed: 409), asking for it is a staff action.
        using var retry = await operatorClient.PostAsync(new Uri($"/api/appointments/{id}/notifications/Confirmation/retry", UriKind.Relative), null);
        var otto = StaffPrincipal.Create("Otto Operator <otto@firm.test>", StaffRole.Operator, StaffPrincipal.Person, "test");
        var (_, revealed) = await turtle.Api.Services.GetRequiredService<IConsoleActions>().RevealPhoneAsync(otto, id);

        Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        Assert.Equal(phone, revealed);
        var record = await admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/records?phone={Uri.EscapeDataString(phone)}", UriKind.Relative));
        var staff = record.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("direction").GetString() == "staff")
            .Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("actor").GetString())).ToList();
        // Reading the record is an export, audited before it is read: it is in what it reads.
        Assert.Equal([("retry", "ops-script"), ("reveal-phone", "Otto Operator <otto@firm.test>"), ("export", ApiKeyRing.AdminKeyName)], staff);
        var audit = await admin.GetFromJsonAsync<JsonElement>(new Uri(
            $"/api/audit?from={Uri.EscapeDataString(since.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}", UriKind.Relative));
        var listed = audit.GetProperty("items").EnumerateArray().Where(e => e.TryGetProperty("appointmentId", out var booking) && booking.GetString() == id)
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("actor").GetString(), e.GetProperty("actorKind").GetString(), e.GetProperty("client").GetString())).ToList();
        var masked = "+91******" + digits[1..];
        Assert.Equal([("retry", "ops-script", "key", masked), ("reveal-phone", "Otto Operator <otto@firm.test>", "person", masked)], listed);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "export" && e.GetProperty("client").GetString() == masked);
    }

    /// <summary>A booking through the webhook: once it is stored, the cluster client is connected.</summary>
    private async Task BookAsync()
    {
        using var http = turtle.Api.CreateClient();
        using var response = await SendUntilConnectedAsync(http, CalendlyWebhooks.InviteeCreated(Guid.NewGuid().ToString(), "+91 98765 40002", DateTimeOffset.UtcNow.AddDays(3)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The client connects in the background after the host starts; until it has, webhooks are answered 503.</summary>
    private static Task<HttpResponseMessage> SendUntilConnectedAsync(HttpClient http, string body)
    {
        HttpResponseMessage? last = null;
        return Eventually.ReadAsync(async () =>
        {
            last?.Dispose();
            return last = await http.SendAsync(CalendlyWebhooks.SignedRequest(http.BaseAddress!, SigningKey, body));
        }, r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60));
    }
}
