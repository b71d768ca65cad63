using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>Its own two-silo cluster: a silo dies here, which the other tests must not see.</summary>
public class FailoverTests(TurtleClusterFixture fixture) : IClassFixture<TurtleClusterFixture>
{
    [Fact]
    public async Task BioIsSentOnceByTheSurvivingSiloWhenItsHostDiesAbruptly()
    {
        var booking = Bookings.New(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(20));
        var grain = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, TimeSpan.FromSeconds(30));

        var host = await fixture.HostOfAsync(booking.InviteeId);
        await fixture.Cluster.KillSiloAsync(host);
        var bio = await fixture.WhatsApp.WaitForRequestsAsync(
            r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio), 1, TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(8));

        Turtle.Testing.Figures.Record($"grain failover: bio {(bio[0].ReceivedAt - (booking.StartTime - TimeSpan.FromDays(1))).TotalSeconds:0.0} s late after its host silo was killed");
        Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio));
        Assert.True(bio[0].ReceivedAt >= booking.StartTime - TimeSpan.FromDays(1) - TimeSpan.FromMilliseconds(100));
        var view = await grain.GetAsync();
        Assert.Equal(NotificationState.Sent, view!.Notifications.Single(n => n.Kind == NotificationKind.AdvisorBio).State);
    }
}
