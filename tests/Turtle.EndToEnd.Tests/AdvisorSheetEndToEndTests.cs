using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing.Calendly;
using Turtle.Testing.Google;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>The silo reads advisors from the Sheets API (faked on loopback) with a real service-account key.</summary>
public class AdvisorSheetEndToEndTests : IAsyncLifetime
{
    private FakeGoogle _google = null!;
    private TurtleDeployment _turtle = null!;
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"turtle-sa-{Guid.NewGuid():N}.json");

    public async Task InitializeAsync()
    {
        _google = await FakeGoogle.StartAsync();
        _google.SetRows(
        [
            ["Name", "EMAIL", "Title", "Bio", "Active"],
            ["Rahul Verma", "rahul.verma@turtle.example", "Portfolio Advisor", "Rahul builds long-term equity portfolios.", "yes"],
            ["Neha Kapoor", "neha.kapoor@turtle.example", "Insurance Advisor", "Neha reviews family protection cover."],
            ["", "nobody@turtle.example", "", "Missing a name", "yes"],
        ]);
        _google.WriteKeyFile(_keyFile);
        _turtle = new TurtleDeployment(new Dictionary<string, string?>
        {
            ["Advisors__Source"] = "GoogleSheets",
            ["Advisors__SpreadsheetId"] = _google.SpreadsheetId,
            ["Advisors__CredentialsFile"] = _keyFile,
            ["Advisors__SheetsApiBaseUrl"] = _google.BaseUrl.ToString().TrimEnd('/'),
        });
        await _turtle.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _turtle.DisposeAsync();
        await _google.DisposeAsync();
        File.Delete(_keyFile);
    }

    [Fact]
    public async Task BookingHostedByASheetAdvisorNamesThatAdvisorInTheConfirmation()
    {
        using var http = _turtle.CreateClient();
        var id = Guid.NewGuid().ToString();
        var body = CalendlyWebhooks.InviteeCreated(id, "+91 98111 22334", DateTimeOffset.UtcNow.AddDays(5), hostEmail: "Rahul.Verma@turtle.example");

        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey, body));
        var confirmation = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation", 1, TimeSpan.FromSeconds(30))).Single();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Rahul Verma", confirmation.Parameters[2]);
        var directory = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/advisors", UriKind.Relative));
        Assert.Contains("GoogleSheets", directory.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, directory.GetProperty("advisors").GetArrayLength());
        // The sheet has no Phone column: neither advisor can be reached on WhatsApp, and the directory says so.
        Assert.Equal(["rahul.verma@turtle.example", "neha.kapoor@turtle.example"],
            directory.GetProperty("advisorsWithoutPhone").EnumerateArray().Select(e => e.GetString()!));
        var rejected = Assert.Single(directory.GetProperty("rejected").EnumerateArray());
        Assert.Contains("Name", rejected.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(_google.TokenRequests >= 1, "the silo authenticated with its service-account key");
    }
}
