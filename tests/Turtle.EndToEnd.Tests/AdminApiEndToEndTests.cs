using System.Net;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>The admin API as an operator calls it: key required, bookings by id and by meeting window.</summary>
public class AdminApiEndToEndTests : IAsyncLifetime
{
    private readonly TurtleDeployment _turtle = new();

    public Task InitializeAsync() => _turtle.StartAsync();

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task AppointmentsAreListedByMeetingWindow()
    {
        using var http = _turtle.CreateClient();
        var monday = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(10), TimeSpan.Zero);
        var early = await AppointmentApi.BookAsync(_turtle, http, "+91 98300 00001", monday.AddHours(23).AddMinutes(30));
        var late = await AppointmentApi.BookAsync(_turtle, http, "+91 98300 00002", monday.AddDays(1).AddHours(9));
        var outside = await AppointmentApi.BookAsync(_turtle, http, "+91 98300 00003", monday.AddDays(3));

        var list = await AppointmentApi.ListAsync(http, monday.AddHours(12), monday.AddDays(2));

        Assert.Equal([early, late], list.EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        Assert.DoesNotContain(outside, list.ToString(), StringComparison.Ordinal);
        Assert.All(list.EnumerateArray(), a => Assert.NotEmpty(a.GetProperty("notifications").EnumerateArray()));
    }

    [Fact]
    public async Task BadRequestsAreRefusedNamingTheField()
    {
        using var http = _turtle.CreateClient();

        using var missing = await http.GetAsync(new Uri("/api/appointments?from=2026-12-01T00:00:00Z", UriKind.Relative));
        using var backwards = await http.GetAsync(new Uri("/api/appointments?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", UriKind.Relative));
        using var badId = await http.GetAsync(new Uri("/api/appointments/not%20an%20id", UriKind.Relative));
        using var unknown = await http.GetAsync(new Uri($"/api/appointments/{Guid.NewGuid()}", UriKind.Relative));
        using var anonymous = new HttpClient { BaseAddress = _turtle.ApiBase };
        using var noKey = await anonymous.GetAsync(new Uri($"/api/appointments/{Guid.NewGuid()}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("\"to\"", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("\"to\"", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Contains("\"id\"", await badId.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
    }
}
