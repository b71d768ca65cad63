using Turtle.Grains.Appointments;
using Turtle.Grains.Clients;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Clients;

/// <summary>A client's erasure (SPEC §13) on a real cluster: their bookings, opt-out and record.</summary>
[Collection(TurtleClusterGroup.Name)]
public class ClientErasureTests(TurtleClusterFixture cluster)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnErasedNumberThatOptedOutIsKeptAsAHashAndStaysSilenced()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var phone = booking.Phone!;
        var grain = cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        await cluster.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait);
        await cluster.Grains.GetGrain<IRecipientGrain>(phone).OptOutAsync();
        await Eventually.ReadAsync(() => cluster.Grains.GetGrain<IClientRecordGrain>(phone).BookingsAsync(), b => b.Count == 1, Wait);

        var result = await Erasure(phone).EraseAsync(phone, "admin-key");

        Assert.Equal((true, 1, true, true), (result.Found, result.Bookings, result.OptedOut, result.RecordKept));
        var view = (await grain.GetAsync())!;
        Assert.Null(view.ClientName);
        Assert.Null(view.PhoneMasked);
        Assert.NotNull(view.ClientErasedAt);
        Assert.DoesNotContain(view.History, h => h.What.Contains("Asha", StringComparison.Ordinal));

        // The shard keeps the opt-out as the number's hash, not the number.
        var shard = new GrainState<OptOutListState>();
        await cluster.Storage(TurtleStorage.Recipients).ReadStateAsync("optouts", cluster.Grains.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(phone)).GetGrainId(), shard);
        Assert.DoesNotContain(phone, shard.State!.Numbers.Keys);
        Assert.Contains(ClientHash.Of(phone), shard.State.ErasedHashes);

        // A new activation of the number (the erasure let the old one go) is still silenced.
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.True((await cluster.Grains.GetGrain<IRecipientGrain>(phone).ReserveSendSlotAsync("probe")).OptedOut);
        var later = Bookings.New(TimeSpan.FromDays(4)) with { Phone = phone };
        await cluster.Grains.GetGrain<IAppointmentGrain>(later.InviteeId).BookAsync(later);
        var confirmation = Assert.Single((await cluster.Grains.GetGrain<IAppointmentGrain>(later.InviteeId).GetAsync())!.Notifications, n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.OptedOut, confirmation.State);

        // The record is kept for the regulator, the erasure its last entry, the chain intact.
        var record = await cluster.Grains.GetGrain<IClientRecordGrain>(phone).ReadAsync(null, null);
        Assert.Contains(record, e => e is { Direction: RecordDirections.Staff, Kind: "erase", Actor: "admin-key" });
    }

    [Fact]
    public async Task ErasingTwiceIsSafeAndALaterBookingFromTheNumberIsNew()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var phone = booking.Phone!;
        await cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);

        var first = await Erasure(phone).EraseAsync(phone, "admin-key");
        var again = await Erasure(phone).EraseAsync(phone, "admin-key");

        Assert.Equal((true, 1), (first.Found, first.Bookings));
        Assert.Equal((true, 0, false), (again.Found, again.Bookings, again.OptedOut));
        var later = Bookings.New(TimeSpan.FromDays(5)) with { Phone = phone };
        await cluster.Grains.GetGrain<IAppointmentGrain>(later.InviteeId).BookAsync(later);
        await cluster.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(later, NotificationKind.Confirmation), 1, Wait);
        var view = (await cluster.Grains.GetGrain<IAppointmentGrain>(later.InviteeId).GetAsync())!;
        Assert.Equal(("Asha Rao", AppointmentStatus.Booked), (view.ClientName, view.Status));
    }

    [Fact]
    public async Task AnErasureStoppedMidWayIsCarriedOnFromItsStoredProgress()
    {
        var first = Bookings.New(TimeSpan.FromDays(3));
        var phone = first.Phone!;
        var second = Bookings.New(TimeSpan.FromDays(6)) with { Phone = phone };
        await cluster.Grains.GetGrain<IAppointmentGrain>(first.InviteeId).BookAsync(first);
        await cluster.Grains.GetGrain<IAppointmentGrain>(second.InviteeId).BookAsync(second);
        // As a silo that died after erasing the first booking left it: the number, who asked, and the booking still to do.
        await cluster.Grains.GetGrain<IAppointmentGrain>(first.InviteeId).EraseClientAsync(phone, "dpo@firm.test", keepRecord: true);
        var stopped = new GrainState<ClientErasureState>(new ClientErasureState
        {
            Phone = phone,
            By = "dpo@firm.test",
            KeepRecord = true,
            Bookings = [second.InviteeId],
            BookingsErased = 1,
            StartedAt = DateTimeOffset.UtcNow,
            RunId = Guid.NewGuid().ToString("N"),
        });
        await cluster.Storage(TurtleStorage.Recipients).WriteStateAsync("erasure", Erasure(phone).GetGrainId(), stopped);

        // Its reminder, or anyone asking again, carries on the stored run (who asked first stays who asked).
        var result = await Erasure(phone).EraseAsync(phone, "someone-else");

        Assert.Equal((true, 2), (result.Found, result.Bookings));
        Assert.Null((await cluster.Grains.GetGrain<IAppointmentGrain>(second.InviteeId).GetAsync())!.ClientName);
        var record = await cluster.Grains.GetGrain<IClientRecordGrain>(phone).ReadAsync(null, null);
        Assert.Equal("dpo@firm.test", Assert.Single(record, e => e.Kind == "erase").Actor);
        var done = new GrainState<ClientErasureState>();
        await cluster.Storage(TurtleStorage.Recipients).ReadStateAsync("erasure", Erasure(phone).GetGrainId(), done);
        Assert.Null(done.State!.Phone);
        Assert.Empty(done.State.Bookings);
    }

    [Fact]
    public async Task AnUnknownNumberIsNotFoundAndNothingIsStored()
    {
        var phone = "+9197" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await Erasure(phone).EraseAsync(phone, "admin-key");

        Assert.False(result.Found);
        var stored = new GrainState<ClientErasureState>();
        await cluster.Storage(TurtleStorage.Recipients).ReadStateAsync("erasure", Erasure(phone).GetGrainId(), stored);
        Assert.False(stored.RecordExists);
    }

    [Fact]
    public async Task ErasureForgetsEveryWhatsAppUserIdLinkedToTheNumberAndNoOther()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var phone = booking.Phone!;
        await cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);
        var (first, second, moved) = (NewUserId(), NewUserId(), NewUserId());
        await User(first).LinkAsync(phone);
        await User(second).LinkAsync(phone);
        // Meta gave this user's BSUID to another number since: that link is the other client's.
        var other = Bookings.New(TimeSpan.FromDays(3)).Phone!;
        await User(moved).LinkAsync(phone);
        await User(moved).LinkAsync(other);

        await Erasure(phone).EraseAsync(phone, "admin-key");

        foreach (var userId in new[] { first, second })
        {
            Assert.Null(await User(userId).PhoneAsync());
            var stored = await StoredUserAsync(userId);
            Assert.Null(stored.Phone);
            Assert.Null(stored.PendingOptOut);
        }
        Assert.Equal(other, await User(moved).PhoneAsync());
        Assert.Equal(other, (await StoredUserAsync(moved)).Phone);
        var index = new GrainState<NumberUserIdsState>();
        await cluster.Storage(TurtleStorage.Recipients).ReadStateAsync("numberuserids", cluster.Grains.GetGrain<INumberUserIdsGrain>(ClientHash.Of(phone)).GetGrainId(), index);
        Assert.Empty(index.State?.UserIds ?? []);
        // What the user sends under the BSUID alone no longer reaches the erased number.
        Assert.Null(await User(first).ResolveAsync(new WhatsAppUserMessage("wamid.after-" + first, DateTimeOffset.UtcNow, "Hello again", null, OptOut: null)));
    }

    [Fact]
    public async Task AStopSentUnderAWhatsAppUserIdOutlivesErasureOnlyAsTheNumbersHash()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var phone = booking.Phone!;
        var userId = NewUserId();
        Assert.Null(await User(userId).ResolveAsync(new WhatsAppUserMessage("wamid.stop-" + userId, DateTimeOffset.UtcNow, "STOP", null, OptOut: true)));
        await User(userId).LinkAsync(phone);
        await cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);

        var result = await Erasure(phone).EraseAsync(phone, "admin-key");

        Assert.True(result.OptedOut);
        var stored = await StoredUserAsync(userId);
        Assert.Equal((null, null, 0), (stored.Phone, stored.PendingOptOut, stored.Listed.Count));
        var shard = new GrainState<OptOutListState>();
        await cluster.Storage(TurtleStorage.Recipients).ReadStateAsync("optouts", cluster.Grains.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(phone)).GetGrainId(), shard);
        Assert.DoesNotContain(phone, shard.State!.Numbers.Keys);
        Assert.Contains(ClientHash.Of(phone), shard.State.ErasedHashes);
        Assert.True((await cluster.Grains.GetGrain<IRecipientGrain>(phone).ReserveSendSlotAsync("probe")).OptedOut);
    }

    [Fact]
    public async Task AnErasedClientsUnmatchedRepliesLeaveTheAttentionList()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var phone = booking.Phone!;
        var userId = NewUserId();
        var text = "Is my meeting still on? Asha " + userId;
        var reply = new WhatsAppUserMessage("wamid.unmatched-" + userId, DateTimeOffset.UtcNow, text, "@asha", OptOut: null);
        Assert.Null(await User(userId).ResolveAsync(reply));
        await User(userId).LinkAsync(phone);
        await cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);
        Assert.Contains(await Attention.ListAsync(), e => e.Detail?.Contains(text, StringComparison.Ordinal) == true);

        await Erasure(phone).EraseAsync(phone, "admin-key");

        Assert.DoesNotContain(await Attention.ListAsync(), e => e.Detail?.Contains(userId, StringComparison.Ordinal) == true);
        // Meta delivering the old message again does not bring it back.
        Assert.Null(await User(userId).ResolveAsync(reply));
        Assert.DoesNotContain(await Attention.ListAsync(), e => e.Detail?.Contains(userId, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AnErasedClientsBookingLeavesNoAttentionEntryNamingThem()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var phone = booking.Phone!;
        await cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);
        // The fixture's advisor has no phone: the booking is listed under advisor-no-phone with the client's name and masked number.
        await Eventually.HoldsAsync(async () => (await Attention.ListAsync()).Any(e => e.AppointmentId == booking.InviteeId && e.Reason == AttentionReasonCodes.AdvisorNoPhone),
            Wait, "the booking listed under advisor-no-phone");

        await Erasure(phone).EraseAsync(phone, "admin-key");

        Assert.DoesNotContain(await Attention.ListAsync(), e => e.AppointmentId == booking.InviteeId);
    }

    private IAttentionGrain Attention => cluster.Grains.GetGrain<IAttentionGrain>(0);

    private IWhatsAppUserGrain User(string userId) => cluster.Grains.GetGrain<IWhatsAppUserGrain>(userId);

    private async Task<WhatsAppUserState> StoredUserAsync(string userId)
    {
        var stored = new GrainState<WhatsAppUserState>();
        await cluster.Storage(TurtleStorage.Recipients).ReadStateAsync("whatsappuser", User(userId).GetGrainId(), stored);
        return stored.State ?? new WhatsAppUserState();
    }

    private static string NewUserId() => "IN." + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "7";

    private IClientErasureGrain Erasure(string phone) => cluster.Grains.GetGrain<IClientErasureGrain>(ClientHash.Of(phone));
}
