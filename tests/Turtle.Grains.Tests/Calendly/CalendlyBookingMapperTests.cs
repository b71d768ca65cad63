using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Calendly;
using Turtle.Grains.Messaging;
using Turtle.Testing.Calendly;

namespace Turtle.Grains.Tests.Calendly;

/// <summary>
/// A booking read from the Calendly API (the event and its invitee, joined) is the booking its webhook makes: the same
/// fields by the same rules, only its source differs. The API's resources come from the fake over real HTTP.
/// </summary>
public sealed class CalendlyBookingMapperTests : IAsyncLifetime
{
    private readonly FakeCalendlyApi _calendly = new();
    private readonly CalendlyPayloadParser _webhooks = new(new PhoneNumberNormalizer("IN"));
    private readonly CalendlyBookingMapper _mapper = new(new PhoneNumberNormalizer("IN"));
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _calendly.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Calendly:ApiToken"] = _calendly.ApiToken,
            ["Calendly:ApiBaseUrl"] = _calendly.BaseUrl.ToString(),
        }).Build();
        _services = new ServiceCollection().AddLogging().AddCalendlyApi(configuration).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _calendly.DisposeAsync();
    }

    [Theory]
    [InlineData("+91 98765 43210", null)]
    [InlineData(null, "WhatsApp number")]
    public async Task TheApisBookingIsTheWebhooksBookingFromReconciliation(string? reminderNumber, string? phoneQuestion)
    {
        var eventUuid = _calendly.SeedEvent(DateTimeOffset.UtcNow.AddDays(3), hostEmail: "arjun.mehta@turtle.example", hostName: "Arjun Mehta");
        var answers = phoneQuestion is null ? null : new[] { new KeyValuePair<string, string>("Topic", "Retirement"), new KeyValuePair<string, string>(phoneQuestion, "98765 43210") };
        var inviteeUuid = _calendly.SeedInvitee(eventUuid, "Asha Rao", phone: reminderNumber, timezone: "Europe/London", answers: answers);
        var (scheduled, invitee) = await ReadAsync(eventUuid);

        var fromApi = _mapper.ToBooking(scheduled, invitee, BookingSources.Reconcile);
        var fromWebhook = Assert.IsType<InviteeCreatedEvent>(_webhooks.Parse(Encoding.UTF8.GetBytes(
            _calendly.WebhookBody("invitee.created", eventUuid, inviteeUuid)))).Booking;

        Assert.Equal(BookingSources.Reconcile, fromApi.Source);
        Assert.Equal(BookingSources.Webhook, fromWebhook.Source);
        Assert.Equal(Json(fromWebhook with { Source = BookingSources.Reconcile }), Json(fromApi));
        Assert.Equal(inviteeUuid, fromApi.InviteeId);
        Assert.Equal("+919876543210", fromApi.Phone);
        Assert.Equal("Europe/London", fromApi.TimeZone);
        Assert.Equal(["arjun.mehta@turtle.example"], fromApi.HostEmails);
        Assert.Equal("https://meet.google.com/abc-defg-hij", fromApi.JoinUrl);
        Assert.Equal(scheduled.Uri.ToString(), fromApi.EventUri);
    }

    [Fact]
    public async Task TheApisCancellationIsTheWebhooksCancellation()
    {
        var eventUuid = _calendly.SeedEvent(DateTimeOffset.UtcNow.AddDays(3));
        var inviteeUuid = _calendly.SeedInvitee(eventUuid);
        _calendly.CancelEvent(eventUuid, "Moved abroad", "host", rescheduled: true);
        var (scheduled, invitee) = await ReadAsync(eventUuid);

        var fromApi = _mapper.ToCancellation(scheduled, invitee, BookingSources.Reconcile);
        var fromWebhook = Assert.IsType<InviteeCanceledEvent>(_webhooks.Parse(Encoding.UTF8.GetBytes(
            _calendly.WebhookBody("invitee.canceled", eventUuid, inviteeUuid)))).Cancellation;

        Assert.True(fromApi.Rescheduled);
        Assert.Equal("Moved abroad", fromApi.Reason);
        Assert.Equal(fromWebhook.CanceledAt, fromApi.CanceledAt);
        Assert.Equal(Json(fromWebhook.Booking with { Source = BookingSources.Reconcile }), Json(fromApi.Booking));
    }

    [Fact]
    public void AnInviteeWithoutANameIsNamedInTheError()
    {
        var scheduled = new CalendlyScheduledEvent(new Uri("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2"), "Call", "active",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(30), null, null, null, null, null, null);
        var invitee = new CalendlyInvitee(new Uri("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69"),
            "x@example.com", " ", null, null, "active", "Asia/Kolkata", null, null, null, null, null, null, false, null, null, DateTimeOffset.UtcNow, null);

        var error = Assert.Throws<CalendlyPayloadException>(() => _mapper.ToBooking(scheduled, invitee, BookingSources.Reconcile, "invitee"));

        Assert.Equal("invitee.name", error.Field);
    }

    /// <summary>Reconciliation refuses what the webhook refuses (SPEC §5), naming the field under <c>invitee</c>.</summary>
    [Theory]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2", 30, "invitee.uri")]
    [InlineData("https://api.calendly.com/scheduled_events/E1/invitees/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69", 30, "invitee.uri")]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/abc", 30, "invitee.uri")]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69", 0, "invitee.scheduled_event.end_time")]
    [InlineData("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69", -30, "invitee.scheduled_event.end_time")]
    public void AnInviteeThatNamesNoInviteeOrEndsBeforeItStartsIsRefused(string inviteeUri, int minutes, string field)
    {
        var start = DateTimeOffset.UtcNow.AddDays(2);
        var scheduled = new CalendlyScheduledEvent(new Uri("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2"), "Call", "active",
            start, start.AddMinutes(minutes), null, null, null, null, null, null);
        var invitee = new CalendlyInvitee(new Uri(inviteeUri), "x@example.com", "Asha Rao", null, null, "active", "Asia/Kolkata", null, null, null, null,
            null, null, false, null, null, DateTimeOffset.UtcNow, null);

        var error = Assert.Throws<CalendlyPayloadException>(() => _mapper.ToBooking(scheduled, invitee, BookingSources.Reconcile, "invitee"));

        Assert.Equal(field, error.Field);
    }

    private async Task<(CalendlyScheduledEvent, CalendlyInvitee)> ReadAsync(string eventUuid)
    {
        var client = _services.GetRequiredService<CalendlyClient>();
        var organization = (await client.GetCurrentUserAsync()).CurrentOrganization;
        var scheduled = Assert.Single(await client.ListScheduledEventsAsync(new CalendlyEventQuery(organization)).ToListAsync(), e => e.Uuid == eventUuid);
        return (scheduled, Assert.Single(await client.ListInviteesAsync(eventUuid).ToListAsync()));
    }

    private static string Json(BookingDetails booking) => JsonSerializer.Serialize(booking);
}

public sealed class ReconcileOptionsTests
{
    [Theory]
    [InlineData("Calendly:ReconcileInterval", "00:00:00", "Calendly:ReconcileInterval")]
    [InlineData("Calendly:ReconcileDays", "0", "Calendly:ReconcileDays")]
    [InlineData("Calendly:ReconcileDays", "400", "Calendly:ReconcileDays")]
    [InlineData("Calendly:ReconcileConcurrency", "0", "Calendly:ReconcileConcurrency")]
    public void ABadValueStopsStartUpNamingItsKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddLogging().AddCalendlyReconciliation(configuration).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ReconcileOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultsAreSpecs()
    {
        using var services = new ServiceCollection().AddLogging().AddCalendlyReconciliation(new ConfigurationBuilder().Build()).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<ReconcileOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(15), options.ReconcileInterval);
        Assert.Equal(60, options.ReconcileDays);
    }
}
