using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>Its own one-silo cluster, restarted here, with the watchdog sweeping every 2 s for bookings 5 s overdue.</summary>
public sealed class WatchdogClusterFixture : TurtleClusterFixture
{
    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Notifications:WatchdogInterval"] = "00:00:02",
        ["Notifications:WatchdogGrace"] = "00:00:05",
    };

    /// <summary>Deletes the booking's row from the reminder table, as a tick no silo owned is lost.</summary>
    public async Task DeleteReminderAsync(string appointmentId)
    {
        var table = ((InProcessSiloHandle)Cluster.Silos[0]).SiloHost.Services.GetRequiredService<IReminderTable>();
        var grainId = Grains.GetGrain<IAppointmentGrain>(appointmentId).GetGrainId();
        var row = await table.ReadRow(grainId, WakeAlarm.ReminderName) ?? throw new InvalidOperationException("no reminder row");
        Assert.True(await table.RemoveRow(grainId, WakeAlarm.ReminderName, row.ETag!));
    }
}

public class WatchdogTests(WatchdogClusterFixture fixture) : IClassFixture<WatchdogClusterFixture>
{
    [Fact]
    public async Task BookingWhoseReminderRowIsDeletedStillGetsItsDueMessage()
    {
        // The reminder message falls due in 40 s; before then its reminder row is deleted and the silo restarted, so no
        // reminder will ever wake the booking (dotnet/orleans#8867: a tick nobody owned is not replayed).
        var booking = Bookings.New(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(40));
        var due = booking.StartTime - TimeSpan.FromHours(1);
        await fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);
        // The bio (due at once) goes 6 s after the confirmation: then only the reminder message is left.
        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio), 1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(await fixture.HasReminderAsync(booking.InviteeId));

        await fixture.DeleteReminderAsync(booking.InviteeId);
        await fixture.Cluster.RestartSiloAsync(fixture.Cluster.Silos[0]);
        Assert.False(await fixture.HasReminderAsync(booking.InviteeId));
        var reminder = await fixture.WhatsApp.WaitForRequestsAsync(
            r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Reminder), 1, TimeSpan.FromSeconds(120));

        Turtle.Testing.Figures.Record($"watchdog: a reminder whose reminder row was deleted went out {(reminder[0].ReceivedAt - due).TotalSeconds:0.0} s after it was due (sweep every 2 s, grace 5 s)");
        Assert.True(reminder[0].ReceivedAt >= due);
        // Not its reminder's doing: it had none; the sweep found it overdue by more than the grace.
        Assert.True(reminder[0].ReceivedAt >= due + TimeSpan.FromSeconds(5), $"sent {(reminder[0].ReceivedAt - due).TotalSeconds:0.0} s after due");
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Reminder));
    }
}
