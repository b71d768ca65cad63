using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing;

namespace Turtle.OperationsConsole.Tests;

/// <summary><c>GET /api/insights</c> (SPEC §16) over HTTP, against the console's deployment and the bookings it scripted.</summary>
[Collection(ConsoleDeploymentGroup.Name)]
public sealed class InsightApiTests(ConsoleDeployment turtle)
{
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    /// <summary>The firm's days from yesterday to a week ahead: every booking the deployment made.</summary>
    public static (string From, string To) Range()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Kolkata).DateTime);
        return (Day(today.AddDays(-1)), Day(today.AddDays(8)));
    }

    private static int ConfirmationCount(JsonElement body, string outcome) =>
        body.GetProperty("total").GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("kind").GetString() == "Confirmation").Sum(m => m.GetProperty(outcome).GetInt32());

    private static JsonElement Confirmations(JsonElement body) =>
        body.GetProperty("total").GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "Confirmation");

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task InsightCountsTheScriptedBookingsTapsAndNoShowsPerWeekAndAdvisor()
    {
        using var http = turtle.Turtle.CreateClient();
        var (from, to) = Range();
        var url = new Uri($"/api/insights?from={from}&to={to}", UriKind.Relative);

        // A message's delivered is written behind (Meta's receipts come seconds apart), then told to its day's tally.
        var body = await Eventually.ReadAsync(() => http.GetFromJsonAsync<JsonElement>(url),
            b => Total(b, "bookings") == turtle.All.Count && Total(b, "declineTaps") == 1 && Total(b, "noShows") == 1
                && ConfirmationCount(b, "delivered") >= 1 && ConfirmationCount(b, "failed") >= 2, TimeSpan.FromSeconds(40));

        Assert.Equal(turtle.All.Count, Total(body, "bookings"));
        Assert.Equal((1, 1, 1, 1, 0), (Total(body, "cancelled"), Total(body, "rescheduled"), Total(body, "declineTaps"), Total(body, "noShows"), Total(body, "attendTaps")));
        // Only the no-show's meeting counts as held or missed yet: the others are still ahead.
        Assert.Equal(1.0, body.GetProperty("total").GetProperty("noShowRate").GetDouble());
        var weeks = body.GetProperty("weeks").EnumerateArray().ToList();
        Assert.InRange(weeks.Count, 2, 3);
        Assert.Equal(turtle.All.Count, weeks.Sum(w => w.GetProperty("counts").GetProperty("bookings").GetInt32()));
        var advisors = body.GetProperty("advisors").EnumerateArray().ToList();
        Assert.Contains(advisors, a => a.TryGetProperty("name", out var name) && name.GetString() == "Priya Sharma");
        Assert.Equal(turtle.All.Count, advisors.Sum(a => a.GetProperty("counts").GetProperty("bookings").GetInt32()));
        var confirmation = Confirmations(body);
        Assert.True(confirmation.GetProperty("delivered").GetInt32() >= 1);
        Assert.True(confirmation.GetProperty("failed").GetInt32() >= 2);

        var oneAdvisor = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/insights?from={from}&to={to}&advisor=nobody%40turtle.example", UriKind.Relative));
        Assert.Equal(0, Total(oneAdvisor, "bookings"));
    }

    [Fact]
    public async Task CsvHasAHeaderATotalRowAndARowPerKind()
    {
        using var http = turtle.Turtle.CreateClient();
        var (from, to) = Range();

        using var response = await http.GetAsync(new Uri($"/api/insights?from={from}&to={to}&format=csv", UriKind.Relative));
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("scope,key,name,kind,bookings,cancelled,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("total,,,,", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("total,,,Confirmation,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("week,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("from=2026-03-10&to=2026-03-01", "from")]
    [InlineData("from=10-03-2026", "from")]
    [InlineData("to=tomorrow", "to")]
    [InlineData("from=2024-01-01&to=2026-01-01", "to")]
    [InlineData("advisor=not-an-address", "advisor")]
    [InlineData("format=xml", "format")]
    public async Task BadInputIsAProblemNamingTheField(string query, string field)
    {
        using var http = turtle.Turtle.CreateClient();

        using var response = await http.GetAsync(new Uri($"/api/insights?{query}", UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task WithoutAKeyTheInsightIsRefused()
    {
        using var http = new HttpClient { BaseAddress = turtle.Turtle.ApiBase };

        using var response = await http.GetAsync(new Uri("/api/insights", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static int Total(JsonElement body, string count) => body.GetProperty("total").GetProperty(count).GetInt32();
}
