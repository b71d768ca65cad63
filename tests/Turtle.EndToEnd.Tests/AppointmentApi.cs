using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>Books through the Calendly webhook and reads bookings back through the admin API.</summary>
internal static class AppointmentApi
{
    /// <summary>Posts a signed <c>invitee.created</c> for a new invitee, asserts it was taken (200), and returns its id.</summary>
    public static async Task<string> BookAsync(TurtleDeployment turtle, HttpClient http, string phone, DateTimeOffset start)
    {
        var id = Guid.NewGuid().ToString();
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(id, phone, start)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    /// <summary>GET /api/appointments?from=&amp;to=: the bookings whose meeting starts in the window.</summary>
    public static async Task<JsonElement> ListAsync(HttpClient http, DateTimeOffset from, DateTimeOffset to) =>
        await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/appointments?from={Iso(from)}&to={Iso(to)}", UriKind.Relative));

    /// <summary>GET /api/appointments/{id}, retried until it answers 200 (the silo may still be starting).</summary>
    public static async Task<JsonElement> GetAsync(HttpClient http, string id, TimeSpan? patience = null)
    {
        HttpRequestException? refused = null;
        var (view, failure) = await Eventually.ReadAsync<(JsonElement? View, string? Failure)>(async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"/api/appointments/{id}", UriKind.Relative));
                refused = null;
                return response.StatusCode == HttpStatusCode.OK
                    ? (await response.Content.ReadFromJsonAsync<JsonElement>(), null)
                    : (null, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException e)
            {
                refused = e;
                return (null, null);
            }
        }, answer => answer.View is not null, patience ?? TimeSpan.FromSeconds(10));
        if (view is { } found)
        {
            return found;
        }
        if (refused is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refused);
        }
        Assert.Fail($"GET /api/appointments/{id}: {failure}");
        return default;
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
}
