using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing.WhatsApp;
using Xunit.Abstractions;

namespace Turtle.Grains.Tests.Appointments;

[Collection(TurtleClusterGroup.Name)]
public class AppointmentGrainTests(TurtleClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private FakeWhatsAppApi WhatsApp => fixture.WhatsApp;

    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    [Fact]
    public async Task BookingIsStoredAndConfirmationSentOnceForRepeatedDeliveries()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));

        var first = await Grain(booking).BookAsync(booking);
        var repeat = await Grain(booking).BookAsync(booking);
        await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.True(first.Changed);
        Assert.False(repeat.Changed);
        var request = Assert.Single(WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
        Assert.Equal(booking.Phone!.TrimStart('+'), request.To);
        Assert.Equal("turtle_booking_confirmation", request.TemplateName);
        Assert.Equal(["Asha Rao", request.Parameters[1], "Priya Sharma"], request.Parameters);
        var view = await Grain(booking).GetAsync();
        Assert.Equal(AppointmentStatus.Booked, view!.Status);
        Assert.Equal("Priya Sharma", view.AdvisorName);
        var confirmation = Assert.Single(view.Notifications, n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, confirmation.State);
        Assert.Equal(request.MessageId, confirmation.MessageId);
        Assert.DoesNotContain(booking.Phone, view.PhoneMasked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelBeforeCreateLeavesASilentCancelledBooking()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));

        await Grain(booking).CancelAsync(Bookings.Cancel(booking));
        var late = await Grain(booking).BookAsync(booking);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.False(late.Changed);
        Assert.DoesNotContain(WhatsApp.Requests, r => r.To == booking.Phone!.TrimStart('+'));
        var view = await Grain(booking).GetAsync();
        Assert.Equal(AppointmentStatus.Cancelled, view!.Status);
        Assert.DoesNotContain(view.Notifications, n => n.State is NotificationState.Pending or NotificationState.Sent);
    }

    [Fact]
    public async Task CancelSendsCancellationOnceAndCancelsPendingMessages()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        await Grain(booking).BookAsync(booking);
        await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait);

        var cancel = await Grain(booking).CancelAsync(Bookings.Cancel(booking));
        var repeat = await Grain(booking).CancelAsync(Bookings.Cancel(booking));
        await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Cancellation), 1, Wait);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.True(cancel.Changed);
        Assert.False(repeat.Changed);
        var request = Assert.Single(WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Cancellation));
        Assert.Equal("turtle_booking_cancelled", request.TemplateName);
        Assert.Equal(booking.RescheduleUrl, request.Parameters[2]);
        var view = await Grain(booking).GetAsync();
        Assert.Equal(AppointmentStatus.Cancelled, view!.Status);
        Assert.All(view.Notifications.Where(n => n.Kind is NotificationKind.AdvisorBio or NotificationKind.Reminder),
            n => Assert.Equal(NotificationState.Cancelled, n.State));
    }

    [Fact]
    public async Task RescheduleSendsRescheduledToTheNewInviteeAndNothingForTheOld()
    {
        var old = Bookings.New(TimeSpan.FromDays(3));
        await Grain(old).BookAsync(old);
        await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(old, NotificationKind.Confirmation), 1, Wait);
        var replacement = Bookings.New(TimeSpan.FromDays(4), oldInviteeId: old.InviteeId) with { Phone = old.Phone };

        await Grain(old).CancelAsync(Bookings.Cancel(old, rescheduled: true));
        await Grain(replacement).BookAsync(replacement);
        await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(replacement, NotificationKind.Rescheduled), 1, Wait);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.DoesNotContain(WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(old, NotificationKind.Cancellation));
        Assert.DoesNotContain(WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(replacement, NotificationKind.Confirmation));
        Assert.Equal("turtle_booking_rescheduled", WhatsApp.Requests.Single(r => r.BizOpaqueCallbackData == Bookings.Tag(replacement, NotificationKind.Rescheduled)).TemplateName);
        Assert.Equal(AppointmentStatus.Rescheduled, (await Grain(old).GetAsync())!.Status);
    }

    [Fact]
    public async Task BookingNinetyDaysAheadIsPlannedAndItsReminderArmed()
    {
        var booking = Bookings.New(TimeSpan.FromDays(90));

        await Grain(booking).BookAsync(booking);
        await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait);
        var view = await Grain(booking).GetAsync();

        var bio = Assert.Single(view!.Notifications, n => n.Kind == NotificationKind.AdvisorBio);
        Assert.Equal(booking.StartTime - TimeSpan.FromDays(1), bio.DueAt);
        Assert.Equal(NotificationState.Pending, bio.State);
        var reminder = Assert.Single(view.Notifications, n => n.Kind == NotificationKind.Reminder);
        Assert.Equal(booking.StartTime - TimeSpan.FromHours(1), reminder.DueAt);
        Assert.True(await fixture.HasReminderAsync(booking.InviteeId), "the booking's reminder is registered");
    }

    [Fact]
    public async Task CancelBeforeBioDueSendsNoBio()
    {
        var booking = Bookings.New(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(8));
        await Grain(booking).BookAsync(booking);
        await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait);

        await Grain(booking).CancelAsync(Bookings.Cancel(booking));
        await Task.Delay(booking.StartTime - TimeSpan.FromDays(1) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(8));

        Assert.DoesNotContain(WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio));
        var bio = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.AdvisorBio);
        Assert.Equal(NotificationState.Cancelled, bio.State);
    }

    [Fact]
    public async Task BioIsSentOnceWhenItFallsDue()
    {
        var booking = Bookings.New(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(10));
        var due = booking.StartTime - TimeSpan.FromDays(1);

        await Grain(booking).BookAsync(booking);
        var bio = (await WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio), 1, Wait)).Single();
        await Task.Delay(TimeSpan.FromSeconds(3));

        Turtle.Testing.Figures.Record($"grain: bio lateness {(bio.ReceivedAt - due).TotalMilliseconds:0} ms");
        Assert.InRange(bio.ReceivedAt - due, TimeSpan.FromMilliseconds(-100), TimeSpan.FromSeconds(5));
        Assert.Single(WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.AdvisorBio));
        Assert.Equal("turtle_advisor_bio", bio.TemplateName);
        Assert.Equal("Priya plans retirements and education funds.", bio.Parameters[2]);
    }

    [Fact]
    public async Task ConfirmationAndImmediateBioToOneNumberAreSixSecondsApart()
    {
        var booking = Bookings.New(TimeSpan.FromHours(3));

        await Grain(booking).BookAsync(booking);
        var sent = await WhatsApp.WaitForRequestsAsync(r => r.To == booking.Phone!.TrimStart('+'), 2, Wait);

        Assert.Equal([Bookings.Tag(booking, NotificationKind.Confirmation), Bookings.Tag(booking, NotificationKind.AdvisorBio)],
            sent.Select(r => r.BizOpaqueCallbackData));
        Assert.True(sent[1].ReceivedAt - sent[0].ReceivedAt >= TimeSpan.FromSeconds(6),
            $"bio came {(sent[1].ReceivedAt - sent[0].ReceivedAt).TotalSeconds:0.0} s after the confirmation");
    }

    [Fact]
    public async Task PermanentFailureIsRecordedWithMetasCodeAndNotRetried()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        WhatsApp.FailAlways(booking.Phone!, WhatsAppFault.Undeliverable);

        await Grain(booking).BookAsync(booking);
        await WhatsApp.WaitForRequestsAsync(r => r.To == booking.Phone!.TrimStart('+'), 1, Wait);
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Single(WhatsApp.Requests, r => r.To == booking.Phone!.TrimStart('+'));
        var confirmation = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Failed, confirmation.State);
        Assert.StartsWith("131026", confirmation.LastError, StringComparison.Ordinal);
        Assert.Equal(1, confirmation.Attempts);
    }

    [Fact]
    public async Task TransientFailuresAreRetriedUntilOneMessageIsAccepted()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        WhatsApp.FailNext(booking.Phone!, WhatsAppFault.ServerError, WhatsAppFault.RateLimited);

        await Grain(booking).BookAsync(booking);
        await WhatsApp.WaitForRequestsAsync(r => r.To == booking.Phone!.TrimStart('+') && r.MessageId is not null, 1, Wait);

        var requests = WhatsApp.Requests.Where(r => r.To == booking.Phone!.TrimStart('+')).ToList();
        Assert.Equal(3, requests.Count);
        Assert.Single(requests, r => r.MessageId is not null);
        var confirmation = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, confirmation.State);
        Assert.Equal(3, confirmation.Attempts);
    }

    [Fact]
    public async Task ThrottlingStormIsRetriedWithGrowingBackoffAndSentOnce()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        WhatsApp.FailNext(booking.Phone!, [.. Enumerable.Repeat(WhatsAppFault.RateLimited, 5)]);

        await Grain(booking).BookAsync(booking);
        await WhatsApp.WaitForRequestsAsync(r => r.To == booking.Phone!.TrimStart('+') && r.MessageId is not null, 1, TimeSpan.FromSeconds(60));

        var requests = WhatsApp.Requests.Where(r => r.To == booking.Phone!.TrimStart('+')).ToList();
        var gaps = requests.Zip(requests.Skip(1), (a, b) => b.ReceivedAt - a.ReceivedAt).ToList();
        var schedule = "429 storm, gaps between attempts (base 1 s, cap 16 s, Retry-After 1 s, 6 s pair spacing): " + string.Join(", ", gaps.Select(g => $"{g.TotalSeconds:0.00} s"));
        output.WriteLine(schedule);
        Turtle.Testing.Figures.Record(schedule);
        Assert.Equal(6, requests.Count);
        Assert.Single(requests, r => r.MessageId is not null);
        // Attempt n waits half to all of min(base·2^(n-1), cap), at least Retry-After, and never under the number's 6 s spacing.
        double[] floors = [6, 6, 6, 6, 8];
        double[] ceilings = [10, 10, 10, 12, 20];
        Assert.All(gaps.Zip(floors, ceilings), g => Assert.InRange(g.First.TotalSeconds, g.Second * 0.98, g.Third));
    }

    [Fact]
    public async Task MeetingThatHasStartedGetsNoMessage()
    {
        var booking = Bookings.New(TimeSpan.FromMinutes(-1));

        await Grain(booking).BookAsync(booking);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.DoesNotContain(WhatsApp.Requests, r => r.To == booking.Phone!.TrimStart('+'));
        Assert.All((await Grain(booking).GetAsync())!.Notifications, n => Assert.Equal(NotificationState.Skipped, n.State));
    }

    [Fact]
    public async Task BookingWithoutPhoneIsStoredAsNoPhoneAndSendsNothing()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3), phone: false);

        var result = await Grain(booking).BookAsync(booking);

        Assert.Equal(AppointmentStatus.NoPhone, result.Status);
        var view = await Grain(booking).GetAsync();
        Assert.Equal(AppointmentStatus.NoPhone, view!.Status);
        Assert.All(view.Notifications, n => Assert.Equal(NotificationState.Skipped, n.State));
    }

    [Fact]
    public async Task OptedOutNumberIsSentNothing()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        await fixture.Grains.GetGrain<IRecipientGrain>(booking.Phone!).OptOutAsync();

        await Grain(booking).BookAsync(booking);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.DoesNotContain(WhatsApp.Requests, r => r.To == booking.Phone!.TrimStart('+'));
        var confirmation = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.OptedOut, confirmation.State);
    }
}
