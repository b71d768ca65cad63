using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>A cluster whose sheet starts with no active advisor, so bookings are stored without one.</summary>
public sealed class NoAdvisorClusterFixture : TurtleClusterFixture
{
    protected override string InitialAdvisorRows =>
        "Email,Name,Title,Bio,Active\n" +
        $"{AdvisorEmail},Priya Sharma,Senior Wealth Advisor,Priya plans retirements and education funds.,no\n";

    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Advisors:LookupCacheDuration"] = "00:00:00.200",
        ["Notifications:NoAdvisorRetryDelay"] = "00:00:01",
        ["Notifications:AdvisorTeamName"] = "the Turtle advisory team",
    };
}

public class NoAdvisorTests(NoAdvisorClusterFixture fixture) : IClassFixture<NoAdvisorClusterFixture>
{
    [Fact]
    public async Task BookingWithoutAnAdvisorIsConfirmedByTeamNameAndItsBioWaitsForOne()
    {
        var booking = Bookings.New(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(6));
        var appointment = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

        var result = await appointment.BookAsync(booking);
        var confirmation = await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, TimeSpan.FromSeconds(30));
        var stored = await appointment.GetAsync();

        Assert.Equal(AppointmentStatus.NoAdvisor, result.Status);
        Assert.Equal("the Turtle advisory team", confirmation.Single().Parameters[2]);
        Assert.Null(stored!.AdvisorName);
        Assert.Contains("no advisor in the directory is active", stored.AssignmentReason, StringComparison.Ordinal);
        var attention = fixture.Grains.GetGrain<IAttentionGrain>(0);
        Assert.Contains(await attention.ListAsync(), e => e.AppointmentId == booking.InviteeId && e.Reason == AttentionReasonCodes.NoAdvisor);

        // The bio falls due while no advisor is active: it waits instead of going out without one.
        await Task.Delay(booking.StartTime - TimeSpan.FromDays(1) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio));
        var waiting = (await appointment.GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.AdvisorBio);
        Assert.Equal(NotificationState.Pending, waiting.State);

        // The sheet gains an active advisor: the bio goes out with them, and the booking is theirs.
        await File.WriteAllTextAsync(fixture.CsvPath, TurtleClusterFixture.AdvisorRows);
        await fixture.Grains.GetGrain<IAdvisorDirectoryGrain>(0).RefreshAsync();
        var bio = await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio), 1, TimeSpan.FromSeconds(30));
        var assigned = await appointment.GetAsync();

        Assert.Equal("Priya Sharma", bio.Single().Parameters[1]);
        Assert.Equal(AppointmentStatus.Booked, assigned!.Status);
        Assert.Equal("Priya Sharma", assigned.AdvisorName);
        // The list is told after the booking's turn has sent the bio; reading the booking does not wait for that turn.
        await Eventually.HoldsAsync(
            async () => !(await attention.ListAsync()).Any(e => e.AppointmentId == booking.InviteeId && e.Reason == AttentionReasonCodes.NoAdvisor),
            TimeSpan.FromSeconds(10), "the no-advisor entry cleared from the attention list");
    }
}
