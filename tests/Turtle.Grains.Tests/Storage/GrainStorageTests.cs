using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Storage;

/// <summary>
/// Grain state on Orleans' Azure Table provider as Turtle.Silo configures it: a stale copy can never overwrite a newer
/// write (the ETag), which is what stops a second activation of a booking from sending a message twice.
/// </summary>
[Collection(TurtleClusterGroup.Name)]
public class GrainStorageTests(TurtleClusterFixture fixture)
{
    private IGrainStorage Appointments => fixture.Storage(TurtleStorage.Appointments);

    private static GrainId Grain() => GrainId.Create("storagetest", Guid.NewGuid().ToString());

    [Fact]
    public async Task MissingStateReadsAsNoRecord()
    {
        var state = new GrainState<List<string>>();

        await Appointments.ReadStateAsync("appointment", Grain(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Empty(state.State!);
    }

    [Fact]
    public async Task WrittenStateReadsBackInAnotherCopy()
    {
        var grain = Grain();
        var written = new GrainState<List<string>>(["Confirmation", "AdvisorBio"]);
        await Appointments.WriteStateAsync("appointment", grain, written);

        var read = new GrainState<List<string>>();
        await Appointments.ReadStateAsync("appointment", grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(["Confirmation", "AdvisorBio"], read.State);
    }

    [Fact]
    public async Task StaleCopyCannotOverwriteANewerWrite()
    {
        var grain = Grain();
        await Appointments.WriteStateAsync("appointment", grain, new GrainState<List<string>>(["booked"]));
        var first = new GrainState<List<string>>();
        var second = new GrainState<List<string>>();
        await Appointments.ReadStateAsync("appointment", grain, first);
        await Appointments.ReadStateAsync("appointment", grain, second);

        first.State!.Add("claimed by first");
        await Appointments.WriteStateAsync("appointment", grain, first);
        second.State!.Add("claimed by second");

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Appointments.WriteStateAsync("appointment", grain, second));
        var stored = new GrainState<List<string>>();
        await Appointments.ReadStateAsync("appointment", grain, stored);
        Assert.Equal(["booked", "claimed by first"], stored.State);
    }

    [Fact]
    public async Task TwoFirstWritesCannotBothWin()
    {
        var grain = Grain();
        await Appointments.WriteStateAsync("appointment", grain, new GrainState<List<string>>(["one"]));

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Appointments.WriteStateAsync("appointment", grain, new GrainState<List<string>>(["two"])));
    }

    [Fact]
    public async Task StateLargerThanOnePropertyIsSplitAndJoined()
    {
        var grain = Grain();
        var big = new byte[300 * 1024];
        Random.Shared.NextBytes(big);
        await fixture.Storage(TurtleStorage.Advisors).WriteStateAsync("directory", grain, new GrainState<byte[]>(big));

        var read = new GrainState<byte[]>();
        await fixture.Storage(TurtleStorage.Advisors).ReadStateAsync("directory", grain, read);

        Assert.Equal(big, read.State);
    }

    [Fact]
    public async Task DayIndexShardIsWrittenWithinItsFlushDelayWhileItStaysActive()
    {
        var shard = fixture.Grains.GetGrain<IAppointmentIndexGrain>($"2031-01-01/{Random.Shared.Next(16):00}");
        var id = Guid.NewGuid().ToString();
        await shard.AddAsync(id, DateTimeOffset.UtcNow, "+919876500001", "Asha Rao", "asha@example.com");

        var stored = await Eventually.ReadAsync(async () =>
        {
            var state = new GrainState<AppointmentIndexState>();
            await Appointments.ReadStateAsync("index", shard.GetGrainId(), state);
            return state;
        }, s => s.RecordExists && s.State!.Phones.ContainsKey(id), AppointmentIndexGrain.FlushDelay + TimeSpan.FromSeconds(2));

        // What a silo killed now would leave: the shard as written, with the client's number a reply looks for.
        Assert.True(stored.RecordExists, "the shard was not written within its flush delay");
        Assert.Equal("+919876500001", stored.State!.Phones[id]);
        Assert.Contains(id, await shard.FindByPhoneAsync("+919876500001"));
    }

    [Fact]
    public async Task LargestBookingTheCapsAllowIsStoredAndReadBackWhole()
    {
        var state = LargestBooking();
        var serializer = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<Orleans.Serialization.Serializer>();
        var bytes = new OrleansGrainStorageSerializer(serializer).Serialize(state).ToArray().Length;
        var grain = Grain();

        await Appointments.WriteStateAsync("appointment", grain, new GrainState<AppointmentState>(state));
        var read = new GrainState<AppointmentState>();
        await Appointments.ReadStateAsync("appointment", grain, read);

        Turtle.Testing.Figures.Record($"storage: largest capped booking state {bytes / 1024.0:0.0} KiB serialized " +
            $"({BookingRecords.HistoryCapacity} history lines, {BookingRecords.ReplyCapacity} replies of {ClientReply.MaxLength} three-byte characters); " +
            "Orleans' Azure Table provider holds 960 KiB (15 × 64 KiB)");
        Assert.InRange(bytes, 200 * 1024, 480 * 1024);
        Assert.Equal(BookingRecords.ReplyCapacity, read.State!.Replies.Count);
        Assert.Equal(state.Replies[^1], read.State.Replies[^1]);
        Assert.Equal(state.History.Select(h => h.What), read.State.History.Select(h => h.What));
        Assert.Equal(state.Notifications.Select(n => n.LastError), read.State.Notifications.Select(n => n.LastError));
    }

    /// <summary>
    /// A booking as large as its caps allow, and then some: every kind planned with three reminders and a long error on
    /// each, Calendly's longest free texts, and a client who wrote far more than is kept — in Devanagari, three bytes a
    /// character, the widest text per character Orleans' serializer writes.
    /// </summary>
    private static AppointmentState LargestBooking()
    {
        var wide = (int n) => new string('\u0905', n);
        var booking = Bookings.New(TimeSpan.FromDays(3)) with
        {
            ClientName = wide(200),
            EventName = wide(500),
            JoinUrl = "https://meet.example.com/" + new string('j', 2_000),
            HostEmails = [.. Enumerable.Range(0, 10).Select(i => $"host{i}@turtle.example")],
        };
        var options = new NotificationOptions { ReminderLeadTimes = [TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(12)] };
        var rules = new MessageRules(Microsoft.Extensions.Options.Options.Create(options));
        var state = new AppointmentState
        {
            Status = AppointmentStatus.Booked,
            Details = booking,
            Advisor = new Turtle.Grains.Advisors.Advisor { Email = TurtleClusterFixture.AdvisorEmail, Name = wide(100), Bio = wide(2_000) },
            AssignmentReason = wide(300),
            CancelReason = wide(2_000),
            Notifications = rules.Plan(booking, canSend: true, DateTimeOffset.UtcNow),
        };
        foreach (var happened in Enum.GetValues<BookingEvent>())
        {
            rules.Apply(happened, state.Notifications, booking, DateTimeOffset.UtcNow, BookingSources.Webhook);
        }
        foreach (var entry in state.Notifications)
        {
            entry.LastError = wide(1_000);
            entry.MessageId = "wamid." + new string('m', 60);
            entry.MetaStatus = "held_for_quality_assessment";
        }
        for (var i = 0; i < 500; i++)
        {
            BookingRecords.AddReply(state, new ClientReply(DateTimeOffset.UtcNow, wide(4_096), $"wamid.{i}{new string('r', 50)}"));
            BookingRecords.Record(state, DateTimeOffset.UtcNow, BookingSources.ClientReply, wide(5_000));
        }
        return state;
    }

    [Fact]
    public async Task ActivationHoldingAStaleCopyDoesNotSendWhatAnotherActivationClaimed()
    {
        var booking = Bookings.New(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(8));
        var appointment = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await appointment.BookAsync(booking);

        // Another activation of the same booking (a silo the directory lost track of) claims the bio and writes first.
        var grainId = appointment.GetGrainId();
        var other = new GrainState<AppointmentState>();
        await Appointments.ReadStateAsync("appointment", grainId, other);
        var bio = other.State!.Notifications.Single(n => n.Kind == NotificationKind.AdvisorBio);
        bio.State = NotificationState.Sent;
        bio.MessageId = "wamid.sent-by-the-other-activation";
        bio.SentAt = DateTimeOffset.UtcNow;
        await Appointments.WriteStateAsync("appointment", grainId, other);

        // This activation still holds the copy from before; when the bio falls due its claim write is refused.
        await Task.Delay(booking.StartTime - TimeSpan.FromDays(1) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(8));

        Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio));
        var view = await appointment.GetAsync();
        Assert.Equal("wamid.sent-by-the-other-activation", view!.Notifications.Single(n => n.Kind == NotificationKind.AdvisorBio).MessageId);
    }
}
