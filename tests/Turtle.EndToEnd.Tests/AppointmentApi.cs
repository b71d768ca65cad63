using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Turtle.EndToEnd.Tests;

/// <summary>Reads bookings back through the admin API.</summary>
internal static class AppointmentApi
{
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
}
