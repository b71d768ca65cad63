using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Turtle.Api.Webhooks;
using Turtle.Testing.Calendly;

namespace Turtle.Api.Tests.Hostile;

/// <summary>
/// Correctly signed Calendly webhooks that name no invitee or no meeting time (SPEC §5), posted to the real API on a
/// real cluster: 400 naming the field, and nothing stored under any id the body carries, nothing sent.
/// </summary>
[Collection(HostileGroup.Name)]
public sealed class SignedGarbageTests(HostileApi api)
{
    [Fact]
    public async Task AnEventUriInPlaceOfTheInviteeUriStoresNothing()
    {
        await api.BookAsync("+91 96000 20001", DateTimeOffset.UtcNow.AddDays(3));
        var eventId = Guid.NewGuid().ToString();
        var phone = "+91 96000 20002";

        var problem = await PostAsync(Guid.NewGuid().ToString(), phone, payload => payload["uri"] = $"https://api.calendly.com/scheduled_events/{eventId}");

        Assert.Contains("payload.uri", problem, StringComparison.Ordinal);
        Assert.Null(await api.GetAppointmentAsync(eventId));
        await AssertNothingSentAsync(phone);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("before")]
    [InlineData("same")]
    public async Task AMissingEmptyOrInvertedEndTimeStoresNothing(string? end)
    {
        await api.BookAsync("+91 96000 20003", DateTimeOffset.UtcNow.AddDays(3));
        var id = Guid.NewGuid().ToString();
        var phone = "+91 96000 2001" + Random.Shared.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var problem = await PostAsync(id, phone, payload =>
        {
            var scheduled = payload["scheduled_event"]!.AsObject();
            var start = DateTimeOffset.Parse(scheduled["start_time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            switch (end)
            {
                case null:
                    scheduled.Remove("end_time");
                    break;
                case "before":
                    scheduled["end_time"] = start.AddMinutes(-30).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "same":
                    scheduled["end_time"] = scheduled["start_time"]!.GetValue<string>();
                    break;
                default:
                    scheduled["end_time"] = end;
                    break;
            }
        });

        Assert.Contains("payload.scheduled_event.end_time", problem, StringComparison.Ordinal);
        Assert.Null(await api.GetAppointmentAsync(id));
        await AssertNothingSentAsync(phone);
    }

    /// <summary>Posts a signed <c>invitee.created</c> edited by <paramref name="edit"/>; asserts 400 and answers the problem's text.</summary>
    private async Task<string> PostAsync(string id, string phone, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(CalendlyWebhooks.InviteeCreated(id, phone, DateTimeOffset.UtcNow.AddDays(3)))!.AsObject();
        edit(root["payload"]!.AsObject());
        var body = Encoding.UTF8.GetBytes(root.ToJsonString());
        using var response = await api.PostAsync(CalendlyWebhookEndpoints.Route, body, (CalendlySignature.Header, HostileApi.SignCalendly(body)));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    private async Task AssertNothingSentAsync(string phone)
    {
        // A booking's confirmation goes out within moments of its write: give a wrongly stored one the time to show.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        Assert.DoesNotContain(api.WhatsApp.Requests, r => r.To == digits);
    }
}
