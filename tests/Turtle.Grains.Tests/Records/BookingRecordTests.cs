using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Turtle.Grains.Appointments;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Records;

/// <summary>A booking's messages reach its client's record through the booking's own state, flushed after its writes.</summary>
[Collection(TurtleClusterGroup.Name)]
public class BookingRecordTests(TurtleClusterFixture cluster)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private RecordTable Table => ((InProcessSiloHandle)cluster.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<RecordTable>();

    [Fact]
    public async Task TheConfirmationItsStatusesAndTheOptInAreInTheClientsRecordOnce()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var grain = cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        var request = (await cluster.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait)).Single();

        var entries = await RecordOnceAsync(booking.Phone!, e => e.Status == RecordSendStatus.Accepted);
        var consent = Assert.Single(entries, e => e.Direction == RecordDirections.Consent);
        Assert.Equal(("opt-in", BookingSources.Webhook), (consent.Kind, consent.Actor));
        var sent = Assert.Single(entries, e => e.Direction == RecordDirections.Out);
        Assert.Equal((nameof(NotificationKind.Confirmation), "turtle_booking_confirmation", "en"), (sent.Kind, sent.Template, sent.Language));
        Assert.Equal(request.MessageId, sent.MessageId);
        Assert.Equal(request.Parameters, sent.Parameters);
        Assert.Contains("Asha Rao", sent.Text, StringComparison.Ordinal);
        Assert.Equal(booking.InviteeId, sent.AppointmentId);

        var delivered = new DeliveryStatusUpdate { MessageId = request.MessageId!, Status = DeliveryStatus.Delivered, At = DateTimeOffset.UtcNow, Kind = NotificationKind.Confirmation };
        await grain.ApplyDeliveryStatusAsync(delivered);
        await grain.ApplyDeliveryStatusAsync(delivered);
        entries = await RecordOnceAsync(booking.Phone!, e => e.Status == "delivered");
        Assert.Equal(3, entries.Count);
        Assert.Equal(request.MessageId, Assert.Single(entries, e => e.Kind == "status").MessageId);

        // What was flushed before the status's write (written behind, within its delay) is gone from the stored booking:
        // only the status may be left.
        var stored = await Eventually.ReadAsync(
            async () =>
            {
                var state = new GrainState<AppointmentState>();
                await cluster.Storage(TurtleStorage.Appointments).ReadStateAsync("appointment", grain.GetGrainId(), state);
                return state.State!;
            },
            s => !s.RecordPending.Exists(e => e.Direction != RecordDirections.Out || e.Kind != "status"),
            StateWriter.ProgressDelay + Wait);
        Assert.DoesNotContain(stored.RecordPending, e => e.Direction != RecordDirections.Out || e.Kind != "status");
        Assert.Null(RecordChain.Verify(await Table.ReadAsync(booking.Phone!)));
    }

    [Fact]
    public async Task EntriesFlushedAgainByANewActivationAreStoredOnce()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var grain = cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        await RecordOnceAsync(booking.Phone!, e => e.Status == RecordSendStatus.Accepted);

        // The flushed entries are still in the stored booking (no write since), as after a crash between the flush and
        // the next write: the next activation flushes them again, whatever wakes it.
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var stored = new GrainState<AppointmentState>();
        await cluster.Storage(TurtleStorage.Appointments).ReadStateAsync("appointment", grain.GetGrainId(), stored);
        Assert.Equal(2, stored.State!.RecordPending.Count);
        await grain.GetAsync();
        await Task.Delay(RecordFlush.Delay * 3);
        await grain.WakeAsync();

        var rows = await Table.ReadAsync(booking.Phone!);
        Assert.Equal(2, rows.Count);
        Assert.Null(RecordChain.Verify(rows));
    }

    [Fact]
    public async Task EntriesAStoppedActivationNeverFlushedReachTheRecordWhenTheBookingIsNextWoken()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var grain = cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        // Collected at once, as if its silo died before its flush: the stored booking holds the entries.
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var request = (await cluster.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait)).Single();
        await grain.ApplyDeliveryStatusAsync(new DeliveryStatusUpdate { MessageId = request.MessageId!, Status = DeliveryStatus.Sent, At = DateTimeOffset.UtcNow, Kind = NotificationKind.Confirmation });

        var entries = await RecordOnceAsync(booking.Phone!, e => e.Status == "sent");
        Assert.Single(entries, e => e.Kind == nameof(NotificationKind.Confirmation) && e.MessageId == request.MessageId);
    }

    [Fact]
    public async Task AConfirmationAnInterruptedCreateSentIsInTheRecordWhenTheCancelOvertakesTheCreatesRetry()
    {
        // The create's earlier attempt armed the booking's wake-up and sent the confirmation; its silo died before its first
        // write, and the cancel came before the create's retry: storage holds the reminder row and nothing else.
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var grain = cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await cluster.ArmAsAnInterruptedCreateAsync(grain);

        await grain.CancelAsync(Bookings.Cancel(booking));
        var messageId = $"wamid.{Guid.NewGuid():N}";
        var sent = new DeliveryStatusUpdate { MessageId = messageId, Status = DeliveryStatus.Sent, At = DateTimeOffset.UtcNow, Kind = NotificationKind.Confirmation };
        Assert.True(await grain.ApplyDeliveryStatusAsync(sent));

        var entries = await RecordOnceAsync(booking.Phone!, e => e.MessageId == messageId && e.Status == RecordSendStatus.Accepted);
        var confirmation = Assert.Single(entries, e => e.Direction == RecordDirections.Out && e.Kind == nameof(NotificationKind.Confirmation));
        Assert.Equal("turtle_booking_confirmation", confirmation.Template);
        Assert.Single(entries, e => e.Direction == RecordDirections.Consent);
        // The create's retry finds it cancelled; a cancel before its create stays silent.
        await grain.BookAsync(booking);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(cluster.WhatsApp.Requests, r => r.BizOpaqueCallbackData?.StartsWith(booking.InviteeId, StringComparison.Ordinal) == true);
        var view = await grain.GetAsync();
        Assert.Equal(AppointmentStatus.Cancelled, view!.Status);
        Assert.Equal(messageId, view.Notifications.Single(n => n.Kind == NotificationKind.Confirmation).MessageId);
        Assert.DoesNotContain(view.Notifications, n => n.State is NotificationState.Pending or NotificationState.Sending);
    }

    [Fact]
    public async Task AConfirmationMetasStatusToldOfBeforeTheBookingWasStoredIsInTheRecord()
    {
        // An earlier attempt sent the confirmation and lost its silo; Meta's status came before the create's retry.
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var grain = cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        var messageId = $"wamid.{Guid.NewGuid():N}";
        Assert.True(await grain.ApplyDeliveryStatusAsync(new DeliveryStatusUpdate { MessageId = messageId, Status = DeliveryStatus.Sent, At = DateTimeOffset.UtcNow, Kind = NotificationKind.Confirmation }));

        await grain.BookAsync(booking);

        var entries = await RecordOnceAsync(booking.Phone!, e => e.Kind == nameof(NotificationKind.Confirmation) && e.MessageId == messageId && e.Status == RecordSendStatus.Accepted);
        Assert.Contains("Asha Rao", Assert.Single(entries, e => e.Kind == nameof(NotificationKind.Confirmation)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
    }

    /// <summary>Waits for an entry matching <paramref name="awaited"/>, then checks no entry is in the record twice.</summary>
    private async Task<IReadOnlyList<RecordEntry>> RecordOnceAsync(string phone, Func<RecordEntry, bool> awaited)
    {
        var record = cluster.Grains.GetGrain<IClientRecordGrain>(phone);
        var entries = await Eventually.ReadAsync(() => record.ReadAsync(null, null), e => e.Any(awaited), Wait);
        Assert.Contains(entries, e => awaited(e));
        Assert.Equal(entries.Count, entries.Select(e => e.Id).Distinct().Count());
        return entries;
    }
}
