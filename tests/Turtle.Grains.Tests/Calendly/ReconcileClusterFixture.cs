using System.Globalization;
using Turtle.Grains.Calendly;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing.Calendly;

namespace Turtle.Grains.Tests.Calendly;

/// <summary>
/// The Turtle test cluster with the fake Calendly API configured as the silos' <c>Calendly:ApiBaseUrl</c>. Its
/// reminder is an hour away, so reconciliation runs only when a test asks.
/// </summary>
public class ReconcileClusterFixture : TurtleClusterFixture
{
    public FakeCalendlyApi Calendly { get; } = new();

    public IReconciliationGrain Reconciliation => Grains.GetGrain<IReconciliationGrain>(0);

    protected virtual string Interval => "01:00:00";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Calendly:ApiToken"] = Calendly.ApiToken,
        ["Calendly:ApiBaseUrl"] = Calendly.BaseUrl.ToString(),
        ["Calendly:RetryBaseDelay"] = "00:00:00.200",
        ["Calendly:ReconcileInterval"] = Interval,
    };

    /// <summary>A one-on-one meeting at Calendly with one invitee of its own phone number, hosted by the fixture's advisor.</summary>
    public SeededBooking Seed(DateTimeOffset start, string status = "active", string? oldInviteeUri = null)
    {
        var eventUuid = Calendly.SeedEvent(start, hostEmail: AdvisorEmail);
        var phone = "+91 9" + Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        var inviteeUuid = Calendly.SeedInvitee(eventUuid, phone: phone, status: status, oldInviteeUri: oldInviteeUri);
        return new SeededBooking(eventUuid, inviteeUuid, new Uri(Calendly.BaseUrl, $"/scheduled_events/{eventUuid}/invitees/{inviteeUuid}"));
    }

    protected override Task StartFakesAsync() => Calendly.StartAsync();

    protected override Task StopFakesAsync() => Calendly.DisposeAsync().AsTask();
}

/// <summary>An event and its invitee at the fake Calendly; <see cref="InviteeUuid"/> is the booking's id in Turtle.</summary>
public sealed record SeededBooking(string EventUuid, string InviteeUuid, Uri InviteeUri);
