using System.Net;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// SPEC §15 on real processes: the language a client answered on Calendly's booking form is the language of their
/// messages, and a language Meta has no template in falls back to the default, once.
/// </summary>
public sealed class LanguageEndToEndTests : IAsyncLifetime
{
    private readonly FakeCalendlyApi _calendly = new();
    private readonly TurtleDeployment _turtle = new(new Dictionary<string, string?>
    {
        ["WhatsApp__Languages__0"] = "en",
        ["WhatsApp__Languages__1"] = "hi",
    });

    public async Task InitializeAsync()
    {
        await _calendly.StartAsync();
        await _turtle.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _turtle.DisposeAsync();
        await _calendly.DisposeAsync();
    }

    [Fact]
    public async Task TheLanguageAnsweredOnTheBookingFormIsTheLanguageOfTheClientsMessagesAndAMissingTranslationFallsBackOnce()
    {
        using var http = _turtle.CreateClient();
        var hindi = await BookAsync(http, "+91 98333 00001", "हिंदी");
        var sent = (await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{hindi}:Confirmation" && r.MessageId is not null, 1, TimeSpan.FromSeconds(30))).Single();
        Assert.Equal("hi", sent.Language);
        Assert.Contains(sent.Parameters[1], c => c is >= '\u0900' and <= '\u097F');
        Assert.Equal("hi", (await AppointmentApi.GetAsync(http, hindi)).GetProperty("language").GetString());

        // Meta holds the confirmation's template in English only: the Hindi send is refused with 132001 and goes in English.
        _turtle.WhatsApp.SeedTemplate("turtle_booking_confirmation", "en", "APPROVED");
        var fallback = await BookAsync(http, "+91 98333 00002", "Hindi");
        await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{fallback}:Confirmation" && r.MessageId is not null, 1, TimeSpan.FromSeconds(40));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal([("hi", 404), ("en", 200)],
            _turtle.WhatsApp.Requests.Where(r => r.BizOpaqueCallbackData == $"{fallback}:Confirmation").Select(r => (r.Language, r.StatusCode)));
        var booking = await AppointmentApi.GetAsync(http, fallback);
        Assert.Contains(booking.GetProperty("history").EnumerateArray(), h => h.GetProperty("what").GetString()!.Contains("sent in the default language instead", StringComparison.Ordinal));
    }

    private async Task<string> BookAsync(HttpClient http, string phone, string language)
    {
        var eventUuid = _calendly.SeedEvent(DateTimeOffset.UtcNow.AddDays(3));
        var invitee = _calendly.SeedInvitee(eventUuid, phone: phone, answers: [new("Which language should we write to you in?", language)]);
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
            _calendly.WebhookBody("invitee.created", eventUuid, invitee)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return invitee;
    }
}
