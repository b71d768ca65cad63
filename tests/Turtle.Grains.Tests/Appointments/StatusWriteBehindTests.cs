using System.Collections.Concurrent;
using Orleans.Core.Internal;
using Turtle.Grains.Appointments;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>Its own one-silo cluster whose storage goes through a proxy that counts the writes of the bookings a test watches.</summary>
public sealed class StatusWriteBehindClusterFixture : TurtleClusterFixture
{
    public const string Watched = "watched booking";

    private readonly ConcurrentDictionary<string, bool> _watched = new();
    private TableProxy? _proxy;

    public TableProxy Proxy => _proxy ??= StartProxy();

    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:AzureStorage"] = Proxy.ConnectionString,
    };

    /// <summary>Counts the booking's state writes from now on.</summary>
    public void Watch(string appointmentId) => _watched[appointmentId] = true;

    /// <summary>The writes (anything but a read) of the watched bookings' state rows so far.</summary>
    public int BookingWrites() => Proxy.LabelledSnapshot().Where(c => !c.Key.StartsWith("GET", StringComparison.Ordinal)).Sum(c => c.Value);

    private TableProxy StartProxy()
    {
        // The booking's own row: its partition key ends with the booking's id ({service}_{grain type}_{key}); the day
        // index's rows, in the same table, hold the id only in their data.
        var proxy = new TableProxy(TestStorage.ConnectionString)
        {
            Label = (table, request) => table == TurtleStorage.TableName(TurtleStorage.Appointments)
                && _watched.Keys.Any(id => Uri.UnescapeDataString(request) is var text
                    && (text.Contains($"_{id}'", StringComparison.Ordinal) || text.Contains($"_{id}\"", StringComparison.Ordinal))) ? Watched : null,
        };
        proxy.StartAsync().GetAwaiter().GetResult();
        return proxy;
    }
}

/// <summary>Meta's sent, delivered and read of a message are written behind, once; a failure before the webhook is answered.</summary>
public class StatusWriteBehindTests(StatusWriteBehindClusterFixture fixture) : IClassFixture<StatusWriteBehindClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SentDeliveredAndReadWithinTheDelayCostOneWriteOfTheBookingStoredAfterTheDelay()
    {
        var (booking, grain, messageId) = await BookAsync();
        var before = fixture.BookingWrites();

        foreach (var status in new[] { DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Read })
        {
            Assert.True(await grain.ApplyDeliveryStatusAsync(Status(messageId, status)));
        }
        Assert.Equal(DeliveryStatus.Read, Confirmation((await grain.GetAsync())!.Notifications).DeliveryStatus);
        Assert.Equal(before, fixture.BookingWrites());

        var stored = await Eventually.ReadAsync(() => StoredAsync(grain), s => Confirmation(s.Notifications).DeliveryStatus == DeliveryStatus.Read, StateWriter.ProgressDelay + Wait);
        Assert.Equal(DeliveryStatus.Read, Confirmation(stored.Notifications).DeliveryStatus);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Turtle.Testing.Figures.Record($"grain: sent+delivered+read within {StateWriter.ProgressDelay.TotalSeconds:0} s -> {fixture.BookingWrites() - before} write(s) of the booking");
        Assert.Equal(before + 1, fixture.BookingWrites());

        var entries = await RecordAsync(booking.Phone!, e => e.Status == "read");
        Assert.Contains(entries, e => e.Kind == "status" && e.MessageId == messageId && e.Status == "delivered");
    }

    [Fact]
    public async Task FailedStatusIsStoredBeforeTheCallReturns()
    {
        var (_, grain, messageId) = await BookAsync();
        Assert.True(await grain.ApplyDeliveryStatusAsync(Status(messageId, DeliveryStatus.Sent)));

        Assert.True(await grain.ApplyDeliveryStatusAsync(Status(messageId, DeliveryStatus.Failed) with { ErrorCode = 131026, ErrorText = "Message undeliverable" }));

        // Read at once, well within the delay of a write behind.
        var stored = Confirmation((await StoredAsync(grain)).Notifications);
        Assert.Equal((NotificationState.Failed, DeliveryStatus.Failed), (stored.State, stored.DeliveryStatus));
    }

    [Fact]
    public async Task StatusesWaitingToBeWrittenAreStoredWhenTheActivationGoesAndReachTheRecord()
    {
        var (booking, grain, messageId) = await BookAsync();
        Assert.True(await grain.ApplyDeliveryStatusAsync(Status(messageId, DeliveryStatus.Delivered)));
        Assert.True(await grain.ApplyDeliveryStatusAsync(Status(messageId, DeliveryStatus.Read)));

        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // Well within the delay: stored by the deactivation, not by the write behind's timer.
        var stored = await Eventually.ReadAsync(() => StoredAsync(grain), s => Confirmation(s.Notifications).DeliveryStatus == DeliveryStatus.Read, StateWriter.ProgressDelay / 2);
        Assert.Equal(DeliveryStatus.Read, Confirmation(stored.Notifications).DeliveryStatus);
        var entries = await RecordAsync(booking.Phone!, e => e.Status == "read");
        Assert.Contains(entries, e => e.Kind == "status" && e.MessageId == messageId && e.Status == "delivered");
    }

    /// <summary>A booking whose confirmation Meta took, watched from its first status on.</summary>
    private async Task<(BookingDetails Booking, IAppointmentGrain Grain, string MessageId)> BookAsync()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var grain = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        var request = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation) && r.MessageId is not null, 1, Wait)).Single();
        await Eventually.ReadAsync(() => StoredAsync(grain), s => Confirmation(s.Notifications).State == NotificationState.Sent, Wait);
        fixture.Watch(booking.InviteeId);
        return (booking, grain, request.MessageId!);
    }

    private static DeliveryStatusUpdate Status(string messageId, DeliveryStatus status) =>
        new() { MessageId = messageId, Status = status, At = DateTimeOffset.UtcNow, Kind = NotificationKind.Confirmation };

    private static Notification Confirmation(IEnumerable<Notification> notifications) => notifications.Single(n => n.Kind == NotificationKind.Confirmation);

    private static NotificationView Confirmation(IEnumerable<NotificationView> notifications) => notifications.Single(n => n.Kind == NotificationKind.Confirmation);

    private async Task<AppointmentState> StoredAsync(IAppointmentGrain grain)
    {
        var stored = new GrainState<AppointmentState>();
        await fixture.Storage(TurtleStorage.Appointments).ReadStateAsync("appointment", grain.GetGrainId(), stored);
        return stored.State ?? new AppointmentState();
    }

    private async Task<IReadOnlyList<RecordEntry>> RecordAsync(string phone, Func<RecordEntry, bool> awaited)
    {
        var record = fixture.Grains.GetGrain<IClientRecordGrain>(phone);
        var entries = await Eventually.ReadAsync(() => record.ReadAsync(null, null), e => e.Any(awaited), Wait);
        Assert.Contains(entries, e => awaited(e));
        return entries;
    }
}
