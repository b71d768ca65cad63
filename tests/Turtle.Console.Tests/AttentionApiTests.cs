using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Turtle.OperationsConsole.Tests;

/// <summary><c>GET /api/attention</c> and the retry route (SPEC §4) over HTTP, against the console's deployment.</summary>
[Collection(ConsoleDeploymentGroup.Name)]
public sealed class AttentionApiTests(ConsoleDeployment turtle)
{
    [Fact]
    public async Task AttentionListsEachBookingThatNeedsAPersonNewestFirst()
    {
        using var http = turtle.Turtle.CreateClient();

        var body = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/attention", UriKind.Relative));

        var items = body.GetProperty("items").EnumerateArray().ToList();
        var noPhone = Assert.Single(items, i => i.GetProperty("appointmentId").GetString() == turtle.NoPhone.Id);
        Assert.Equal("no-phone", noPhone.GetProperty("reason").GetString());
        Assert.Equal(turtle.NoPhone.Name, noPhone.GetProperty("client").GetString());
        Assert.Equal(turtle.NoPhone.Start, noPhone.GetProperty("meetingTime").GetDateTimeOffset());
        Assert.False(string.IsNullOrEmpty(noPhone.GetProperty("detail").GetString()));
        var failed = Assert.Single(items, i => i.GetProperty("appointmentId").GetString() == turtle.Failed.Id);
        Assert.Equal("message-failed", failed.GetProperty("reason").GetString());
        Assert.Equal("Confirmation", failed.GetProperty("kind").GetString());
        Assert.Equal($"{turtle.Failed.Name} (+91******0004)", failed.GetProperty("client").GetString());
        Assert.Contains(items, i => i.GetProperty("appointmentId").GetString() == turtle.OptedOut.Id && i.GetProperty("reason").GetString() == "opted-out");
        Assert.DoesNotContain(items, i => i.GetProperty("appointmentId").GetString() == turtle.Booked.Id);
        var since = items.Select(i => i.GetProperty("since").GetDateTimeOffset()).ToList();
        Assert.Equal(since.OrderByDescending(t => t), since);
        Assert.DoesNotContain(turtle.Failed.NationalDigits!, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryAnswersConflictNotFoundAndBadRequestAsProblems()
    {
        using var http = turtle.Turtle.CreateClient();

        using var notFailed = await PostAsync(http, $"/api/appointments/{turtle.Booked.Id}/notifications/Confirmation/retry");
        Assert.Equal(HttpStatusCode.Conflict, notFailed.StatusCode);
        Assert.Equal("application/problem+json", notFailed.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not failed", (await notFailed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var noReminderFailed = await PostAsync(http, $"/api/appointments/{turtle.Failed.Id}/notifications/reminder/retry");
        Assert.Equal(HttpStatusCode.Conflict, noReminderFailed.StatusCode);

        using var unknown = await PostAsync(http, $"/api/appointments/{Guid.NewGuid()}/notifications/Confirmation/retry");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        foreach (var kind in new[] { "Postcard", "3" })
        {
            using var badKind = await PostAsync(http, $"/api/appointments/{turtle.Failed.Id}/notifications/{kind}/retry");
            Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
            Assert.True((await badKind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("kind", out _));
        }
        using var badId = await PostAsync(http, "/api/appointments/not%20an%20id/notifications/Confirmation/retry");
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);

        using var anonymous = new HttpClient { BaseAddress = turtle.Turtle.ApiBase };
        using var noKey = await PostAsync(anonymous, $"/api/appointments/{turtle.Failed.Id}/notifications/Confirmation/retry");
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using var noKeyList = await anonymous.GetAsync(new Uri("/api/attention", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, noKeyList.StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path) =>
        http.PostAsync(new Uri(path, UriKind.Relative), content: null);
}
