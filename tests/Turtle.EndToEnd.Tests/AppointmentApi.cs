using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"/api/appointments/{id}", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadFromJsonAsync<JsonElement>();
                }
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail($"GET /api/appointments/{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(500);
        }
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
}
