using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>The attention list as the bookings keep it, and sending a failed message again, on a real cluster.</summary>
[Collection(TurtleClusterGroup.Name)]
public class AttentionTests(TurtleClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private FakeWhatsAppApi WhatsApp => fixture.WhatsApp;
    private IAttentionGrain List => fixture.Grains.GetGrain<IAttentionGrain>(0);

    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    [Fact]
    public async Task BookingWithoutAPhoneIsListedAndItsCancellationClearsIt()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3), phone: false);

        await Grain(booking).BookAsync(booking);

        var entry = Assert.Single(await EntriesAsync(booking), e => e.Reason == AttentionReasonCodes.NoPhone);
        Assert.Equal("Asha Rao", entry.Client);
        Assert.Equal(booking.StartTime, entry.MeetingTime);
        await Grain(booking).CancelAsync(Bookings.Cancel(booking));
        Assert.Empty(await EntriesAsync(booking));
    }

    [Fact]
    public async Task BookingWithAPhoneAndAnAdvisorIsNotListed()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));

        await Grain(booking).BookAsync(booking);
        await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait);

        Assert.Empty(await EntriesAsync(booking));
    }

    [Fact]
    public async Task RefusedMessageIsListedAndRetryingSendsItOnceAndClearsIt()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        WhatsApp.FailAlways(booking.Phone!, WhatsAppFault.Undeliverable);
        await Grain(booking).BookAsync(booking);
        await Eventually.HoldsAsync(async () => (await EntriesAsync(booking)).Any(e => e.Reason == AttentionReasonCodes.MessageFailed), Wait,
            "the booking listed as a failed message");
        var listed = (await EntriesAsync(booking)).Single();
        Assert.Equal(NotificationKind.Confirmation, listed.Kind);
        Assert.Contains("131026", listed.Detail, StringComparison.Ordinal);
        Assert.Contains("******", listed.Client, StringComparison.Ordinal);
        Assert.DoesNotContain(booking.Phone![4..], listed.Client, StringComparison.Ordinal);

        WhatsApp.StopFailing(booking.Phone);
        // Two operators press the button at once: one retry goes out, the other is refused.
        var results = await Task.WhenAll(
            Grain(booking).RetryNotificationAsync(NotificationKind.Confirmation, BookingSources.Console),
            Grain(booking).RetryNotificationAsync(NotificationKind.Confirmation, BookingSources.Console));

        Assert.Single(results, r => r.Retried);
        Assert.Equal(RetryOutcome.NotFailed, Assert.Single(results, r => !r.Retried).Outcome);
        await Eventually.HoldsAsync(async () => (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation).State == NotificationState.Sent,
            Wait, "the confirmation sent");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var confirmation = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(BookingSources.Console, confirmation.RetriedBy);
        Assert.NotNull(confirmation.RetriedAt);
        var history = (await Grain(booking).GetAsync())!.History;
        Assert.Contains(history, h => h.By == BookingSources.Console && h.What.StartsWith("Confirmation to be sent again", StringComparison.Ordinal));
        Assert.Contains(history, h => h.By == BookingSources.Console && h.What == "Confirmation sent");
        Assert.Single(WhatsApp.Accepted, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
        Assert.Empty(await EntriesAsync(booking));
        Assert.Equal(RetryOutcome.NotFailed, (await Grain(booking).RetryNotificationAsync(NotificationKind.Confirmation, BookingSources.Console)).Outcome);
    }

    [Fact]
    public async Task RetryIsRefusedOnceTheMeetingHasStarted()
    {
        var booking = Bookings.New(TimeSpan.FromSeconds(4));
        WhatsApp.FailAlways(booking.Phone!, WhatsAppFault.Undeliverable);
        await Grain(booking).BookAsync(booking);
        await Eventually.HoldsAsync(async () => (await Grain(booking).GetAsync())!.Notifications.Any(n => n.Kind == NotificationKind.Confirmation && n.State == NotificationState.Failed),
            Wait, "the confirmation failed");
        await Task.Delay(booking.StartTime - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));

        var result = await Grain(booking).RetryNotificationAsync(NotificationKind.Confirmation, BookingSources.Console);

        Assert.Equal(RetryOutcome.MeetingStarted, result.Outcome);
        Assert.Equal(RetryOutcome.NotFound, (await fixture.Grains.GetGrain<IAppointmentGrain>(Guid.NewGuid().ToString()).RetryNotificationAsync(NotificationKind.Confirmation, BookingSources.Console)).Outcome);
    }

    [Fact]
    public async Task MessageWithheldFromAnOptedOutNumberIsListed()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        await fixture.Grains.GetGrain<IRecipientGrain>(booking.Phone!).OptOutAsync();

        await Grain(booking).BookAsync(booking);

        var entry = Assert.Single(await EntriesAsync(booking));
        Assert.Equal(AttentionReasonCodes.OptedOut, entry.Reason);
    }

    [Fact]
    public async Task AnOccurrenceMarkedHandledStaysHandledButALaterOneIsListed()
    {
        var id = Guid.NewGuid().ToString();
        var first = new AttentionEntry(id, AttentionReasonCodes.ClientReplied, DateTimeOffset.UtcNow, "Asha Rao", DateTimeOffset.UtcNow.AddDays(1), "“Running late”");
        await List.RaiseAsync(first);
        await List.RaiseAsync(first);
        Assert.Single(await List.ListAsync(), e => e.AppointmentId == id);

        await List.ClearAsync(id, AttentionReasonCodes.ClientReplied);
        await List.RaiseAsync(first with { Detail = "told again by its booking" });
        Assert.DoesNotContain(await List.ListAsync(), e => e.AppointmentId == id);

        var later = first with { Since = first.Since.AddMinutes(5), Detail = "“Can we move it?”" };
        await List.RaiseAsync(later);
        Assert.Equal(later, Assert.Single(await List.ListAsync(), e => e.AppointmentId == id));
    }

    /// <summary>The booking's entries about its client; the fixture's advisors have no phone, which the advisor tests cover.</summary>
    private async Task<List<AttentionEntry>> EntriesAsync(BookingDetails booking) =>
        [.. (await List.ListAsync()).Where(e => e.AppointmentId == booking.InviteeId && e.Reason != AttentionReasonCodes.AdvisorNoPhone)];
}
