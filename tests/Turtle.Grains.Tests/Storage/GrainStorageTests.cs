using Orleans.Storage;
using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;

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
