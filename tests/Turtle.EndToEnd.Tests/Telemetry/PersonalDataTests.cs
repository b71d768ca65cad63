using System.Net;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing;

namespace Turtle.EndToEnd.Tests.Telemetry;

/// <summary>
/// A client's whole conversation with known personal data and known secrets, then every line the silo and the API
/// logged (Turtle's own categories at Debug) and every metric label they serve: none holds any of them whole.
/// </summary>
public sealed class PersonalDataTests : IAsyncLifetime
{
    private const string Name = "Zenobia Quartermaine";
    private const string Email = "zenobia.quartermaine@example.org";
    private const string PhoneDigits = "919811122334";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TurtleDeployment _turtle = new(new Dictionary<string, string?>
    {
        ["Logging__LogLevel__Turtle"] = "Debug",
        // Short spacing, so the cancellation does not wait 6 s behind the confirmation.
        ["Notifications__RecipientSpacing"] = "00:00:00.200",
    });

    public Task InitializeAsync() => _turtle.StartAsync();

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task NoLogLineOrMetricLabelHoldsAPhoneEmailNameOrSecret()
    {
        using var http = _turtle.CreateClient();
        var webhook = new Uri(_turtle.ApiBase, "/webhooks/whatsapp");
        var kept = Guid.NewGuid().ToString();
        var cancelled = Guid.NewGuid().ToString();
        var start = DateTimeOffset.UtcNow.AddDays(3);

        await PostCalendlyAsync(http, CalendlyWebhooks.InviteeCreated(kept, "+91 98111 22334", start, name: Name, email: Email));
        var confirmation = Assert.Single(await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{kept}:Confirmation", 1, Patience));
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostStatusAsync(webhook, TurtleDeployment.AppSecret, confirmation.MessageId!, PhoneDigits, "delivered", confirmation.BizOpaqueCallbackData));
        // The advisor's phone (the sheet's) is personal data too: their notice of the booking is logged masked.
        var advisorNotice = Assert.Single(await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{kept}:AdvisorBooked" && r.MessageId is not null, 1, Patience));
        var advisorDigits = advisorNotice.To!;
        await PostCalendlyAsync(http, CalendlyWebhooks.InviteeCreated(cancelled, "+91 98111 22334", start.AddDays(1), name: Name, email: Email));
        await PostCalendlyAsync(http, CalendlyWebhooks.InviteeCanceled(cancelled, "+91 98111 22334", start.AddDays(1), name: Name, email: Email));
        await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{cancelled}:Cancellation", 1, Patience);
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostInboundTextAsync(webhook, TurtleDeployment.AppSecret, PhoneDigits, $"Hi, this is {Name}, can we meet at 5?"));
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostInboundTextAsync(webhook, TurtleDeployment.AppSecret, PhoneDigits, "STOP"));
        // Refused input is logged too: a webhook with a bad signature and one with a broken phone.
        Assert.Equal(HttpStatusCode.Unauthorized, await _turtle.WhatsApp.PostWebhookAsync(webhook, TurtleDeployment.AppSecret, "{\"entry\":[]}", "sha256=00"));
        using (var stale = CalendlyWebhooks.SignedRequest(_turtle.ApiBase, "not-the-key", CalendlyWebhooks.InviteeCreated(Guid.NewGuid().ToString(), "+91 98111 22334", start, name: Name, email: Email)))
        using (var refused = await http.SendAsync(stale))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        // After STOP a new booking of that number is stored silent.
        var silent = Guid.NewGuid().ToString();
        await PostCalendlyAsync(http, CalendlyWebhooks.InviteeCreated(silent, "+91 98111 22334", start.AddDays(2), name: Name, email: Email));
        Assert.True(await WaitForOptOutAsync(http, silent), "the STOP reached Turtle");

        var metrics = new[]
        {
            await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            await http.GetStringAsync(new Uri($"http://127.0.0.1:{_turtle.Silos[0].Ports!.Dashboard}/metrics")),
        };
        var logs = _turtle.Silos.Concat([_turtle.Api!]).SelectMany(p => p.Lines.Select(line => (p.Name, line))).ToList();

        Assert.True(logs.Count > 50, $"the processes logged ({logs.Count} lines)");
        Assert.Contains(logs, l => l.line.Contains("+91******2334", StringComparison.Ordinal) || l.line.Contains("******2334", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.line.Contains("******" + advisorDigits[^4..], StringComparison.Ordinal));
        var secrets = new Dictionary<string, string>
        {
            ["phone"] = PhoneDigits,
            ["advisor's phone"] = advisorDigits,
            ["advisor's national number"] = advisorDigits[^10..],
            ["national number"] = "9811122334",
            ["name"] = Name,
            ["e-mail"] = Email,
            ["Calendly signing key"] = TurtleDeployment.SigningKey,
            ["admin key"] = TurtleDeployment.AdminKey,
            ["Meta app secret"] = TurtleDeployment.AppSecret,
            ["verify token"] = TurtleDeployment.VerifyToken,
            ["WhatsApp access token"] = _turtle.WhatsApp.AccessToken,
        };
        foreach (var (what, value) in secrets)
        {
            var leak = logs.FirstOrDefault(l => l.line.Contains(value, StringComparison.OrdinalIgnoreCase));
            Assert.True(leak == default, $"{what} in {leak.Name}'s log: {leak.line}");
            Assert.DoesNotContain(metrics, m => m.Contains(value, StringComparison.OrdinalIgnoreCase));
        }
    }

    private async Task PostCalendlyAsync(HttpClient http, string body)
    {
        using var request = CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<bool> WaitForOptOutAsync(HttpClient http, string id) =>
        await Eventually.ReadAsync(async () => (await http.GetStringAsync(new Uri($"/api/appointments/{id}", UriKind.Relative))).Contains("\"opted-out\"", StringComparison.Ordinal),
            optedOut => optedOut, Patience);
}
