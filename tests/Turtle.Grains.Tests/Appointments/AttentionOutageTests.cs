using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Appointments;

public class AttentionOutageTests(ProxiedStorageFixture fixture) : IClassFixture<ProxiedStorageFixture>
{
    [Fact]
    public async Task ReasonTheListCouldNotStoreIsKeptByTheBookingAndToldLater()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3), phone: false);
        var list = fixture.Grains.GetGrain<IAttentionGrain>(0);
        await list.ListAsync();
        // Orleans keys a grain's row by its id: the attention list's writes fail, the bookings' do not.
        fixture.Proxy.RefuseRequest = (verb, request) => verb != "GET" && request.Contains("attention", StringComparison.OrdinalIgnoreCase);

        var result = await fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);

        Assert.True(result.Changed);
        Assert.Equal(AppointmentStatus.NoPhone, result.Status);
        Assert.Contains(fixture.Proxy.Snapshot(), c => c.Key.EndsWith("(refused)", StringComparison.Ordinal));
        // Storage holds the booking with its reason marked untold, and a list without it.
        var stored = await ReadAsync<AppointmentState>("appointment", fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).GetGrainId());
        var mark = Assert.Single(stored.Attention);
        Assert.Equal(AttentionReasonCodes.NoPhone, mark.Reason);
        Assert.False(mark.Told);
        Assert.DoesNotContain((await ReadAsync<AttentionState>("attention", list.GetGrainId())).Entries.Values, e => e.AppointmentId == booking.InviteeId);

        fixture.Proxy.RefuseRequest = null;
        await Eventually.HoldsAsync(
            async () => (await ReadAsync<AttentionState>("attention", list.GetGrainId())).Entries.Values.Any(e => e.AppointmentId == booking.InviteeId && e.Reason == AttentionReasonCodes.NoPhone),
            TimeSpan.FromSeconds(40), "the booking told the attention list");
        Assert.Contains(await list.ListAsync(), e => e.AppointmentId == booking.InviteeId);
    }

    [Fact]
    public async Task CancelThatOvertookItsCreateAndCouldNotBeListedIsListedByTheWebhooksRetry()
    {
        // A day of its own, so its index shard is not active yet and must be read from storage, which is down for it.
        var booking = Bookings.New(TimeSpan.FromDays(300 + Random.Shared.Next(300)));
        var grain = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        var shard = fixture.Grains.GetGrain<IAppointmentIndexGrain>(AppointmentIndex.Key(booking.StartTime, booking.InviteeId));
        fixture.Proxy.RefuseRequest = (verb, request) => request.Contains("appointmentindex", StringComparison.OrdinalIgnoreCase);

        // The cancel is stored, then listing it fails: the webhook is not answered 2xx, so Calendly sends it again.
        await Assert.ThrowsAnyAsync<Exception>(() => grain.CancelAsync(Bookings.Cancel(booking)));
        Assert.Equal(AppointmentStatus.Cancelled, (await ReadAsync<AppointmentState>("appointment", grain.GetGrainId())).Status);

        fixture.Proxy.RefuseRequest = null;
        // The retry answers once the cancel is listed (its own reminder, a period on, may have listed it already).
        await grain.CancelAsync(Bookings.Cancel(booking));

        Assert.Contains(await shard.ListAsync(), e => e.AppointmentId == booking.InviteeId);
        Assert.Contains(await fixture.Grains.GetGrain<IAppointmentQueryGrain>(0).ListAsync(booking.StartTime.AddMinutes(-1), booking.StartTime.AddMinutes(1)), v => v.Id == booking.InviteeId);
    }

    [Fact]
    public async Task NoShowRefusedWhileASentMessageIsUnstoredIsMarkedAndSentByTheWebhooksRetry()
    {
        var booking = Bookings.New(TimeSpan.FromHours(2));
        var grain = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        // The booking's own row cannot be written: its confirmation goes out and its outcome is held in memory only.
        fixture.Proxy.RefuseRequest = (verb, request) =>
            verb != "GET" && request.Contains("TurtleAppointments", StringComparison.Ordinal) && request.Contains(booking.InviteeId, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => grain.BookAsync(booking));
        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, TimeSpan.FromSeconds(30));

        // Calendly's first delivery of the no-show is refused (the held outcome cannot be written first) ...
        var mark = new NoShowMark { InviteeId = booking.InviteeId, NoShow = true, At = DateTimeOffset.UtcNow };
        await Assert.ThrowsAnyAsync<Exception>(() => grain.MarkNoShowAsync(mark));
        fixture.Proxy.RefuseRequest = null;
        // ... and its retry, with storage back, marks it and sends the re-book invitation (found by the 30-minute chaos run).
        var retry = await grain.MarkNoShowAsync(mark);
        var noShow = await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.NoShow), 1, TimeSpan.FromSeconds(30));

        Assert.True(retry.Changed);
        Assert.Single(noShow);
        var stored = await ReadAsync<AppointmentState>("appointment", grain.GetGrainId());
        Assert.Equal(Attendance.NoShow, stored.Attendance);
        Assert.Contains(stored.Notifications, n => n.Kind == NotificationKind.Confirmation && n.State == NotificationState.Sent);
        Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
    }

    private async Task<T> ReadAsync<T>(string name, GrainId grain)
        where T : new()
    {
        var state = new GrainState<T>(new T());
        await fixture.Storage(TurtleStorage.Appointments).ReadStateAsync(name, grain, state);
        return state.State ?? new T();
    }
}
