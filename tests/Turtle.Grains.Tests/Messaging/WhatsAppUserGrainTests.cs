using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Messaging;

/// <summary>
/// Business-scoped user ids on a real cluster (SPEC §6): the link BSUID ↔ number is stored, a message naming only a
/// linked BSUID is its number's, and one naming an unlinked BSUID is listed under <c>unmatched-reply</c>, its STOP kept
/// for the number a later link brings.
/// </summary>
[Collection(TurtleClusterGroup.Name)]
public sealed class WhatsAppUserGrainTests(TurtleClusterFixture fixture)
{
    private IWhatsAppUserGrain User(string userId) => fixture.Grains.GetGrain<IWhatsAppUserGrain>(userId);

    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    [Fact]
    public async Task ALinkIsStoredAndAMessageNamingOnlyTheBsuidIsTheNumbers()
    {
        var userId = NewUserId();
        await User(userId).LinkAsync("+919812300001");
        // Another activation, as on another silo after a restart, reads the link from storage.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var phone = await User(userId).ResolveAsync(new WhatsAppUserMessage("wamid.link-1", DateTimeOffset.UtcNow, "Hello", "Asha", OptOut: null));

        Assert.Equal("+919812300001", phone);
        Assert.DoesNotContain(await fixture.Grains.GetGrain<IAttentionGrain>(0).ListAsync(), e => e.Detail?.Contains(userId, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AMessageFromAnUnlinkedBsuidIsListedWithItsTextOnce()
    {
        var userId = NewUserId();
        var message = new WhatsAppUserMessage("wamid.unmatched-" + userId, DateTimeOffset.UtcNow, "Is my meeting still on tomorrow?", "@asha", OptOut: null);

        Assert.Null(await User(userId).ResolveAsync(message));
        Assert.Null(await User(userId).ResolveAsync(message));

        var entry = Assert.Single(await fixture.Grains.GetGrain<IAttentionGrain>(0).ListAsync(), e => e.Detail?.Contains(userId, StringComparison.Ordinal) == true);
        Assert.Equal(AttentionReasonCodes.UnmatchedReply, entry.Reason);
        Assert.Contains("Is my meeting still on tomorrow?", entry.Detail, StringComparison.Ordinal);
        Assert.Equal("@asha", entry.Client);
        Assert.True(InviteeId.IsValid(entry.AppointmentId), entry.AppointmentId);
    }

    [Fact]
    public async Task AStopFromAnUnlinkedBsuidSilencesTheNumberItIsLinkedToLater()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        var userId = NewUserId();
        Assert.Null(await User(userId).ResolveAsync(new WhatsAppUserMessage("wamid.stop-" + userId, DateTimeOffset.UtcNow, "STOP", null, OptOut: true)));

        await User(userId).LinkAsync(booking.Phone!);
        await Grain(booking).BookAsync(booking);

        Assert.True((await fixture.Grains.GetGrain<IRecipientGrain>(booking.Phone!).ReserveSendSlotAsync("test")).OptedOut);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
        Assert.Equal(NotificationState.OptedOut, (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation).State);
        Assert.Contains(await fixture.Grains.GetGrain<IAttentionGrain>(0).ListAsync(), e => e.Reason == AttentionReasonCodes.UnmatchedReply && e.Detail!.Contains(userId, StringComparison.Ordinal));
    }

    [Fact]
    public void TheFakesBsuidsAreShapedAsMetasAndStablePerNumber()
    {
        var first = FakeWhatsAppApi.UserIdOf("+91 98123 00002");

        Assert.True(BusinessScopedUserId.IsValid(first), first);
        Assert.Equal(first, FakeWhatsAppApi.UserIdOf("919812300002"));
        Assert.NotEqual(first, FakeWhatsAppApi.UserIdOf("919812300003"));
        Assert.False(BusinessScopedUserId.IsValid("US.ENT.11815799212886844830"));
        Assert.False(BusinessScopedUserId.IsValid("919812300002"));
    }

    private static string NewUserId() => "IN." + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "0";
}
