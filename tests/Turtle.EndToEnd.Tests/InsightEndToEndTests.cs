using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Grains.Delivery;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// SPEC §16's counts through the real processes: a scripted set of bookings, taps, statuses, a cancel and a no-show,
/// half of them made moments before the silo is killed (-9), some delivered again by Calendly's and Meta's retries once
/// it is back and one not (it was answered before the kill: only the booking's own wake-up can tell its count again).
/// <c>GET /api/insights</c> must show exactly what the script did: nothing lost, nothing counted twice.
/// </summary>
public class InsightEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly TurtleDeployment _turtle = new();

    private Uri WhatsAppWebhook => new(_turtle.ApiBase, "/webhooks/whatsapp");

    public Task InitializeAsync() => _turtle.StartAsync();

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task CountsMatchTheScriptAcrossAKill9AndTheRetriesAfterIt()
    {
        using var http = _turtle.CreateClient();
        // Noon in Kolkata three days ahead: every meeting falls on that one firm day.
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, kolkata).DateTime).AddDays(3);
        var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), kolkata.GetUtcOffset(day.ToDateTime(new TimeOnly(12, 0))));
        var url = new Uri($"/api/insights?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}", UriKind.Relative);
        var phones = Enumerable.Range(1, 5).Select(i => $"+91 98201 1000{i}").ToArray();
        var digits = phones.Select(p => string.Concat(p.Where(char.IsAsciiDigit))).ToArray();

        // Before the kill, and stored: three bookings, an attend tap, a confirmation delivered and read.
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await BookAsync(http, phones[i], start));
        }
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, digits[0], $"{ids[0]}:attend", "Yes, I will attend"));
        var confirmation = await ConfirmationAsync(ids[1]);
        foreach (var status in new[] { "delivered", "read" })
        {
            Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostStatusAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, confirmation.MessageId!, digits[1], status, confirmation.BizOpaqueCallbackData));
        }
        await CountsAsync(http, url, new Expected(Bookings: 3, AttendTaps: 1, ConfirmationsRead: 1));
        // Meta's receipts are written behind: past that write, the read is stored as the rest is.
        await Task.Delay(StateWriter.ProgressDelay + TimeSpan.FromSeconds(3));

        // Moments before the kill: two more bookings, a decline tap, a no-show and a cancel; the silo dies before the
        // day's counts are written (they are written seconds after), and Calendly and Meta deliver everything again.
        ids.Add(await BookAsync(http, phones[3], start));
        ids.Add(await BookAsync(http, phones[4], start));
        var retried = new List<Func<Task<HttpStatusCode>>>
        {
            () => _turtle.WhatsApp.PostButtonTapAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, digits[3], $"{ids[3]}:decline", "No, I cannot make it"),
            () => PostCalendlyAsync(http, CalendlyWebhooks.InviteeCanceled(ids[2], phones[2], start)),
            () => PostCalendlyAsync(http, CalendlyWebhooks.InviteeCreated(ids[3], phones[3], start)),
        };
        foreach (var deliver in retried)
        {
            Assert.Equal(HttpStatusCode.OK, await deliver());
        }
        Assert.Equal(HttpStatusCode.OK, await PostCalendlyAsync(http, CalendlyWebhooks.InviteeNoShow(ids[4], phones[4], start)));
        var silo = _turtle.Silos[0];
        silo.Kill();
        await _turtle.StartSiloAsync(silo.Ports);
        foreach (var deliver in retried)
        {
            Assert.Equal(HttpStatusCode.OK, await Eventually.ReadAsync(deliver, s => s == HttpStatusCode.OK, Wait));
        }

        var expected = new Expected(Bookings: 5, Cancelled: 1, AttendTaps: 1, DeclineTaps: 1, NoShows: 1, ConfirmationsRead: 1);
        await CountsAsync(http, url, expected);
        // Past every write-behind and retry: still the same, nothing counted twice.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var body = await CountsAsync(http, url, expected);
        var total = body.GetProperty("total");
        Assert.Equal(1.0, total.GetProperty("noShowRate").GetDouble());
        var confirmations = total.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "Confirmation");
        Assert.Equal(5, confirmations.GetProperty("sent").GetInt32());
        Assert.Equal(1, confirmations.GetProperty("delivered").GetInt32());
        Figures.Record($"insight after kill -9: {Describe(total)}");
    }

    private sealed record Expected(int Bookings, int Cancelled = 0, int AttendTaps = 0, int DeclineTaps = 0, int NoShows = 0, int ConfirmationsRead = 0);

    private static Expected Read(JsonElement total) => new(
        total.GetProperty("bookings").GetInt32(), total.GetProperty("cancelled").GetInt32(), total.GetProperty("attendTaps").GetInt32(),
        total.GetProperty("declineTaps").GetInt32(), total.GetProperty("noShows").GetInt32(),
        total.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "Confirmation").Sum(m => m.GetProperty("read").GetInt32()));

    /// <summary>Reads the insight until it shows <paramref name="expected"/>, and asserts it does.</summary>
    private static async Task<JsonElement> CountsAsync(HttpClient http, Uri url, Expected expected)
    {
        var body = await Eventually.ReadAsync(async () =>
        {
            try
            {
                return await http.GetFromJsonAsync<JsonElement>(url);
            }
            catch (HttpRequestException)
            {
                // The restarted silo is still joining.
                return default;
            }
        }, b => b.ValueKind == JsonValueKind.Object && Read(b.GetProperty("total")) == expected, Wait);
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal(expected, Read(body.GetProperty("total")));
        return body;
    }

    private static string Describe(JsonElement total) => string.Join(", ",
        new[] { "bookings", "cancelled", "attendTaps", "declineTaps", "noShows", "heldOrMissed" }.Select(k => $"{k} {total.GetProperty(k).GetInt32().ToString(CultureInfo.InvariantCulture)}"));

    private async Task<Turtle.Testing.WhatsApp.FakeWhatsAppRequest> ConfirmationAsync(string id) =>
        (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation" && r.MessageId is not null, 1, Wait)).Single();

    private async Task<string> BookAsync(HttpClient http, string phone, DateTimeOffset start)
    {
        var id = await AppointmentApi.BookAsync(_turtle, http, phone, start);
        await ConfirmationAsync(id);
        return id;
    }

    private async Task<HttpStatusCode> PostCalendlyAsync(HttpClient http, string body)
    {
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body));
        return response.StatusCode;
    }
}
