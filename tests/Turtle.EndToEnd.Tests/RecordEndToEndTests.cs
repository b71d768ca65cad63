using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Turtle.Testing;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// The firm's record (SPEC §13) through the real processes: a booking's messages and Meta's statuses, the client's
/// texts and STOP, read back by <c>GET /api/records</c> and <c>./turtle records export</c>, and an entry edited by hand
/// in the table named by <c>./turtle records verify</c>.
/// </summary>
public sealed class RecordEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TurtleDeployment _turtle = new();

    private readonly Dictionary<string, string?> _commandEnvironment = new() { ["ConnectionStrings__AzureStorage"] = TestStorage.ConnectionString };

    private Uri WhatsAppWebhook => new(_turtle.ApiBase, "/webhooks/whatsapp");

    public Task InitializeAsync() => _turtle.StartAsync();

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task TheConversationIsReadBackInOrderExportedAndAnEditedEntryIsNamedByVerify()
    {
        using var http = _turtle.CreateClient();
        var digits = "9198" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var phone = "+" + digits;
        var id = await AppointmentApi.BookAsync(_turtle, http, phone, DateTimeOffset.UtcNow.AddDays(3));
        var confirmation = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation" && r.MessageId is not null, 1, Wait)).Single();

        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostStatusAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, confirmation.MessageId!, digits, "delivered", confirmation.BizOpaqueCallbackData));
        var question = _turtle.WhatsApp.BuildInboundTextPayload(digits, "Can I bring my spouse?", messageId: "wamid.q-" + Guid.NewGuid().ToString("N"));
        // Meta delivers it twice: one entry.
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostWebhookAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, question));
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostWebhookAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, question));
        Assert.Equal(HttpStatusCode.OK, await _turtle.WhatsApp.PostInboundTextAsync(WhatsAppWebhook, TurtleDeployment.AppSecret, digits, "STOP"));

        var items = await Eventually.ReadAsync(() => RecordAsync(http, phone), i => i.Count >= 6, Wait);
        Assert.All(items, i => Assert.Equal(["at", "direction", "kind", "text", "messageId", "status", "actor"], i.EnumerateObject().Select(p => p.Name)));
        var summary = items.Select(i => $"{i.GetProperty("direction").GetString()} {i.GetProperty("kind").GetString()} {i.GetProperty("status").GetString()}").ToList();
        Assert.True(items.Count == 6, string.Join(" | ", summary));
        Assert.Contains("consent opt-in ", summary);
        Assert.Contains("out Confirmation accepted", summary);
        Assert.Contains("out status delivered", summary);
        Assert.Contains("in text ", summary);
        Assert.Contains("in STOP ", summary);
        Assert.Contains("consent opt-out ", summary);
        var times = items.Select(i => i.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        var sent = items.Single(i => i.GetProperty("kind").GetString() == "Confirmation");
        Assert.Equal(confirmation.MessageId, sent.GetProperty("messageId").GetString());
        Assert.Contains(confirmation.Parameters[0], sent.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("webhook", sent.GetProperty("actor").GetString());

        using (var csv = await http.GetAsync(new Uri($"/api/records?phone={Uri.EscapeDataString(phone)}&format=csv", UriKind.Relative)))
        {
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("at,direction,kind,text,messageId,status,actor", lines[0]);
            Assert.Equal(7, lines.Count(l => !l.Contains(",staff,", StringComparison.Ordinal)));
            // Each read through the API is an export, audited in the client's own record.
            Assert.Contains(lines, l => l.Contains(",staff,export,", StringComparison.Ordinal));
        }

        var file = Path.Combine(Path.GetTempPath(), $"turtle-record-{Guid.NewGuid():N}.csv");
        var export = await TurtleCommand.RunAsync(_commandEnvironment, "records", "export", "--phone", phone, "--format", "csv", "--out", file);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("Can I bring my spouse?", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        File.Delete(file);
        var jsonl = await TurtleCommand.RunAsync(_commandEnvironment, "records", "export", "--phone", phone);
        Assert.True(jsonl.ExitCode == 0, jsonl.ToString());
        Assert.Equal(6, jsonl.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => !l.Contains("\"direction\":\"staff\"", StringComparison.Ordinal)));

        var intact = await TurtleCommand.RunAsync(_commandEnvironment, "records", "verify", "--phone", phone);
        Assert.True(intact.ExitCode == 0, intact.ToString());

        // Someone with access to the storage account rewrites what the client said.
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient("TurtleRecord");
        var row = table.Query<TableEntity>(e => e.PartitionKey == phone).Single(e => e.GetString("Kind") == "text");
        row["Text"] = "Please move all my savings into crypto.";
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge);

        var broken = await TurtleCommand.RunAsync(_commandEnvironment, "records", "verify", "--phone", phone);
        Assert.True(broken.ExitCode == 1, broken.ToString());
        Assert.Contains(row.RowKey, broken.Output, StringComparison.Ordinal);
        Assert.Contains(row.GetString("EntryId"), broken.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(digits, broken.Output, StringComparison.Ordinal);
        var all = await TurtleCommand.RunAsync(_commandEnvironment, "records", "verify");
        Assert.True(all.ExitCode == 1, all.ToString());

        // ./turtle clients erase: the booking forgets the client, the record keeps the conversation and the erasure.
        var cluster = new Dictionary<string, string?>(_commandEnvironment) { ["Orleans__ClusterId"] = _turtle.ClusterId, ["Orleans__ServiceId"] = _turtle.ClusterId };
        var erased = await TurtleCommand.RunAsync(cluster, "clients", "erase", phone);
        Assert.True(erased.ExitCode == 0, erased.ToString());
        Assert.Contains("1 booking(s)", erased.Output, StringComparison.Ordinal);
        Assert.Contains("record kept", erased.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(digits, erased.Output + erased.Error, StringComparison.Ordinal);
        var booking = await http.GetStringAsync(new Uri($"/api/appointments/{id}", UriKind.Relative));
        Assert.DoesNotContain("Asha", booking, StringComparison.Ordinal);
        Assert.DoesNotContain(digits[^4..], booking, StringComparison.Ordinal);
        // The erasure is a staff entry, which RecordAsync leaves aside: read the record whole.
        var kept = (await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/records?phone={Uri.EscapeDataString(phone)}", UriKind.Relative))).GetProperty("items").EnumerateArray();
        Assert.Contains(kept, i => i.GetProperty("kind").GetString() == "erase" && i.GetProperty("actor").GetString()!.StartsWith("command line", StringComparison.Ordinal));
        var again = await TurtleCommand.RunAsync(cluster, "clients", "erase", phone);
        Assert.True(again.ExitCode == 0, again.ToString());
        var unknown = await TurtleCommand.RunAsync(cluster, "clients", "erase", "+919700000002");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        var malformed = await TurtleCommand.RunAsync(cluster, "clients", "erase", "98123");
        Assert.True(malformed.ExitCode == 2, malformed.ToString());
        Assert.Contains("<phone>", malformed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInputIsAProblemNamingTheFieldAndChangesNothing()
    {
        using var http = _turtle.CreateClient();
        (string Query, string Field)[] cases =
        [
            ("phone=12345", "phone"),
            ("phone=%2B919812345678&from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "from"),
            ("phone=%2B919812345678&from=yesterday", "from"),
            ("phone=%2B919812345678&format=xml", "format"),
        ];
        foreach (var (query, field) in cases)
        {
            using var response = await http.GetAsync(new Uri("/api/records?" + query, UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
        }

        var command = await TurtleCommand.RunAsync(_commandEnvironment, "records", "export", "--phone", "98123");
        Assert.Equal(2, command.ExitCode);
        Assert.Contains("--phone", command.Error, StringComparison.Ordinal);

        // Storage that does not answer is what was checked not being in order, said once, naming the key.
        var unreachable = TestStorage.ConnectionString.Contains("TableEndpoint=", StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Replace(TestStorage.ConnectionString, "TableEndpoint=http://[^/;]+", "TableEndpoint=http://127.0.0.1:9")
            : "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        var down = await TurtleCommand.RunAsync(new Dictionary<string, string?> { ["ConnectionStrings__AzureStorage"] = unreachable }, "records", "verify");
        Assert.True(down.ExitCode == 1, down.ToString());
        Assert.Contains("ConnectionStrings:AzureStorage", down.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", down.Error, StringComparison.Ordinal);
    }

    private static async Task<List<JsonElement>> RecordAsync(HttpClient http, string phone)
    {
        var body = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/records?phone={Uri.EscapeDataString(phone)}", UriKind.Relative));
        // The reads themselves (exports, audited) aside.
        return [.. body.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("direction").GetString() != "staff")];
    }
}
