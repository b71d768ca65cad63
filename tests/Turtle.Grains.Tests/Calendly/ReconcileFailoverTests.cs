using Turtle.Grains.Appointments;
using Turtle.Grains.Calendly;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Calendly;

/// <summary>Its own two-silo cluster: the silo running a reconciliation is killed, which other tests must not see.</summary>
public sealed class ReconcileFailoverTests(ReconcileClusterFixture fixture) : IClassFixture<ReconcileClusterFixture>
{
    [Fact]
    public async Task ARunCutShortByASiloDyingIsFinishedByTheNextWithoutSendingAnythingTwice()
    {
        var start = DateTimeOffset.UtcNow.AddDays(3);
        var seeded = Enumerable.Range(0, 40).Select(i => fixture.Seed(start.AddMinutes(i))).ToList();
        // Calendly goes quiet after /users/me, the events and some invitees: the run waits there with its bookings made.
        fixture.Calendly.HoldAfter(14);
        var cutShort = fixture.Grains.ReconcileAsync();
        await Eventually.HoldsAsync(() => fixture.Calendly.Held > 0 && Confirmations() == InviteeListingsServed(), TimeSpan.FromSeconds(60),
            "the run held at Calendly with a confirmation sent for every invitee listed");
        // Settled: nothing more is on its way to Meta.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(fixture.Calendly.Held > 0 && Confirmations() == InviteeListingsServed(), "condition did not hold");
        var bookedBeforeKill = Confirmations();
        Assert.InRange(bookedBeforeKill, 1, 39);

        var runner = await fixture.HostOfAsync(fixture.Reconciliation);
        await fixture.Cluster.KillSiloAsync(runner);
        var killedAt = DateTime.UtcNow;
        fixture.Calendly.Release();

        // The caller's wait goes unanswered, then finds the run gone with its silo and starts it again on the survivor.
        var finished = await cutShort.WaitAsync(TimeSpan.FromMinutes(3));
        Turtle.Testing.Figures.Record($"reconcile failover: a run cut short by its silo's death finished {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill, "
            + $"{finished.Created} bookings left to make, {finished.Unchanged} already made");

        Assert.True(finished is { Invitees: 40, Errors.Count: 0 }, string.Join(" | ", finished.Errors));
        Assert.Equal(40 - bookedBeforeKill, finished.Created);
        Assert.Equal(bookedBeforeKill, finished.Unchanged);
        var again = await fixture.Grains.ReconcileAsync();
        Assert.True(again is { Created: 0, Unchanged: 40 }, string.Join(" | ", again.Errors));
        await Task.Delay(TimeSpan.FromSeconds(4));
        foreach (var booking in seeded)
        {
            Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{booking.InviteeUuid}:{NotificationKind.Confirmation}");
        }
    }

    private int Confirmations() => fixture.WhatsApp.Requests.Count(r => r.TemplateName == "turtle_booking_confirmation");

    /// <summary>Each event has one active invitee: one answered invitee listing is one booking the run makes.</summary>
    private int InviteeListingsServed() => fixture.Calendly.Requests.Count(r => r.Path.EndsWith("/invitees", StringComparison.Ordinal) && r.StatusCode == 200);
}
