using Turtle.Grains.Appointments;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Appointments;

public class ReminderOutageTests(ProxiedStorageFixture fixture) : IClassFixture<ProxiedStorageFixture>
{
    [Fact]
    public async Task CancelWhoseReminderCouldNotBeArmedIsStoredByTheWebhooksRetry()
    {
        // Found by the chaos run: the reminder service failed during a cancel, the webhook was answered 503, and its retry
        // was answered "already cancelled" from memory; storage still said booked, and the cancellation never went out.
        // Days ahead: its reminder is armed for days, so the cancel must re-arm it (for the cancellation, due now).
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var grain = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        // Until its day's index has stored it, a new booking wakes every period; then its reminder points days ahead.
        await Eventually.HoldsAsync(async () => await fixture.ReminderAtAsync(grain) > DateTime.UtcNow.AddDays(1), TimeSpan.FromSeconds(60), "reminder pointed at the bio");
        fixture.Proxy.Refuse = (_, table) => table.Contains("Reminder", StringComparison.OrdinalIgnoreCase);

        await Assert.ThrowsAnyAsync<Exception>(() => grain.CancelAsync(Bookings.Cancel(booking)));
        fixture.Proxy.Refuse = null;
        var retry = await grain.CancelAsync(Bookings.Cancel(booking));

        var stored = new GrainState<AppointmentState>();
        await fixture.Storage(TurtleStorage.Appointments).ReadStateAsync("appointment", grain.GetGrainId(), stored);
        Assert.Equal(AppointmentStatus.Cancelled, stored.State!.Status);
        Assert.True(retry.Changed);
        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Cancellation), 1, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task FirstMessagesAnInterruptedAttemptMayHaveSentStayClaimedWhenTheReminderServiceFailsTheRetry()
    {
        // An earlier attempt to store the booking armed its wake-up, sent the confirmation and lost its silo before its
        // first write: storage holds the reminder row and nothing else.
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var grain = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await fixture.ArmAsAnInterruptedCreateAsync(grain);
        fixture.Proxy.Refuse = (_, table) => table.Contains("Reminder", StringComparison.OrdinalIgnoreCase);

        await Assert.ThrowsAnyAsync<Exception>(() => grain.BookAsync(booking));
        fixture.Proxy.Refuse = null;
        await grain.BookAsync(booking);

        // Claimed as the interrupted attempt's send: nothing goes before Meta's status or the send timeout.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
        var stored = new GrainState<AppointmentState>();
        await fixture.Storage(TurtleStorage.Appointments).ReadStateAsync("appointment", grain.GetGrainId(), stored);
        Assert.Equal(NotificationState.Sending, stored.State!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation).State);

        // Meta's status about that send records it, in the booking and in the client's record.
        var messageId = $"wamid.{Guid.NewGuid():N}";
        await grain.ApplyDeliveryStatusAsync(new DeliveryStatusUpdate { MessageId = messageId, Status = DeliveryStatus.Sent, At = DateTimeOffset.UtcNow, Kind = NotificationKind.Confirmation });
        var record = fixture.Grains.GetGrain<IClientRecordGrain>(booking.Phone!);
        var entries = await Eventually.ReadAsync(() => record.ReadAsync(null, null), e => e.Any(r => r.MessageId == messageId && r.Status == RecordSendStatus.Accepted), TimeSpan.FromSeconds(30));
        Assert.Single(entries, e => e.Kind == nameof(NotificationKind.Confirmation) && e.MessageId == messageId && e.Status == RecordSendStatus.Accepted);
        Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
    }

    [Fact]
    public async Task NoShowWhoseReminderCouldNotBeArmedIsStoredWhenItsRetryIsAnswered()
    {
        var booking = Bookings.New(TimeSpan.FromDays(2));
        var grain = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        await Eventually.HoldsAsync(async () => await fixture.ReminderAtAsync(grain) > DateTime.UtcNow.AddHours(12), TimeSpan.FromSeconds(60), "reminder pointed at the bio");
        var mark = new NoShowMark { InviteeId = booking.InviteeId, NoShow = true, At = DateTimeOffset.UtcNow };
        fixture.Proxy.Refuse = (_, table) => table.Contains("Reminder", StringComparison.OrdinalIgnoreCase);

        await Assert.ThrowsAnyAsync<Exception>(() => grain.MarkNoShowAsync(mark));
        fixture.Proxy.Refuse = null;
        await grain.MarkNoShowAsync(mark);

        var stored = new GrainState<AppointmentState>();
        await fixture.Storage(TurtleStorage.Appointments).ReadStateAsync("appointment", grain.GetGrainId(), stored);
        Assert.Equal(Attendance.NoShow, stored.State!.Attendance);
        Assert.Contains(stored.State.Notifications, n => n.Kind == NotificationKind.NoShow);
    }
}
