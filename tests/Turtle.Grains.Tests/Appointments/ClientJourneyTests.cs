using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Tests.Cluster;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>A cluster of its own whose attendance check and follow-up come seconds apart, so the journey plays out in a test.</summary>
public sealed class ClientJourneyClusterFixture : TurtleClusterFixture
{
    public static readonly TimeSpan ReconfirmLeadTime = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan FollowUpDelay = TimeSpan.FromSeconds(3);

    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Notifications:ReconfirmLeadTime"] = ReconfirmLeadTime.ToString(),
        ["Notifications:FollowUpDelay"] = FollowUpDelay.ToString(),
    };
}

/// <summary>SPEC §5 "After booking" on a real cluster with the fake Graph API: attendance, follow-up, no-show, replies.</summary>
public class ClientJourneyTests(ClientJourneyClusterFixture fixture) : IClassFixture<ClientJourneyClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    private IAttentionGrain Attention => fixture.Grains.GetGrain<IAttentionGrain>(0);

    private async Task<BookingDetails> BookAsync(TimeSpan startIn, TimeSpan? length = null, string? phone = null)
    {
        var booking = Bookings.New(startIn);
        booking = booking with { EndTime = booking.StartTime + (length ?? TimeSpan.FromMinutes(30)), Phone = phone ?? booking.Phone };
        await Grain(booking).BookAsync(booking);
        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation), 1, Wait);
        return booking;
    }

    private static AttendanceAnswer Tap(BookingDetails booking, AttendanceChoice choice, string? from = null) =>
        new(from ?? booking.Phone!, choice, "wamid." + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);

    private IReadOnlyList<Turtle.Testing.WhatsApp.FakeWhatsAppRequest> Sent(BookingDetails booking, NotificationKind kind) =>
        [.. fixture.WhatsApp.Requests.Where(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, kind))];

    private async Task<bool> ListedAsync(BookingDetails booking, string reason) =>
        (await Attention.ListAsync()).Any(e => e.AppointmentId == booking.InviteeId && e.Reason == reason);

    [Fact]
    public async Task ReconfirmGoesAtItsLeadTimeWithAttendDeclineAndCancelButtonsNamingTheBooking()
    {
        var booking = await BookAsync(ClientJourneyClusterFixture.ReconfirmLeadTime + TimeSpan.FromSeconds(8));

        var reconfirm = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Reconfirm), 1, Wait)).Single();

        Assert.Equal("turtle_attendance_check", reconfirm.TemplateName);
        Assert.Equal(["Asha Rao", reconfirm.Parameters[1], "Priya Sharma"], reconfirm.Parameters);
        Assert.Equal([$"{booking.InviteeId}:attend", $"{booking.InviteeId}:decline", $"{booking.InviteeId}:cancel"], reconfirm.ButtonPayloads);
        var entry = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Reconfirm);
        Assert.Equal(NotificationState.Sent, entry.State);
    }

    [Fact]
    public async Task DeclineFromTheBookingsNumberSendsOneRescheduleOfferAndListsTheBookingUnderDeclined()
    {
        var booking = await BookAsync(TimeSpan.FromDays(3));

        Assert.True(await Grain(booking).AnswerAttendanceAsync(Tap(booking, AttendanceChoice.Decline)));
        var offer = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.RescheduleOffer), 1, Wait)).Single();
        Assert.True(await Grain(booking).AnswerAttendanceAsync(Tap(booking, AttendanceChoice.Decline)));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal("turtle_reschedule_offer", offer.TemplateName);
        Assert.Equal(["Asha Rao", booking.RescheduleUrl!], offer.Parameters);
        Assert.Single(Sent(booking, NotificationKind.RescheduleOffer));
        var view = (await Grain(booking).GetAsync())!;
        Assert.Equal(Attendance.Declined, view.Attendance);
        Assert.Contains(view.History, h => h.By == BookingSources.ClientReply && h.What.Contains("declined", StringComparison.Ordinal));
        Assert.Contains(view.History, h => h.By == BookingSources.ClientReply && h.What == "RescheduleOffer sent");
        Assert.True(await ListedAsync(booking, AttentionReasonCodes.Declined));

        // Changing their mind: confirmed, and no longer listed.
        Assert.True(await Grain(booking).AnswerAttendanceAsync(Tap(booking, AttendanceChoice.Attend)));
        Assert.Equal(Attendance.Confirmed, (await Grain(booking).GetAsync())!.Attendance);
        Assert.False(await ListedAsync(booking, AttentionReasonCodes.Declined));
        Assert.Single(Sent(booking, NotificationKind.RescheduleOffer));
    }

    [Fact]
    public async Task CancelTappedWithoutACalendlyTokenIsListedForAPersonAndSendsNothing()
    {
        var booking = await BookAsync(TimeSpan.FromDays(3));

        Assert.True(await Grain(booking).AnswerAttendanceAsync(Tap(booking, AttendanceChoice.Cancel)));

        var view = (await Grain(booking).GetAsync())!;
        Assert.Equal(AppointmentStatus.Booked, view.Status);
        Assert.Contains(view.History, h => h.By == BookingSources.ClientReply && h.What.Contains("Calendly:ApiToken is not set", StringComparison.Ordinal));
        Assert.True(await ListedAsync(booking, AttentionReasonCodes.CancelRequested));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(Sent(booking, NotificationKind.Cancellation));
        Assert.Empty(Sent(booking, NotificationKind.RescheduleOffer));
    }

    [Fact]
    public async Task DeclineFromAnotherNumberChangesNothing()
    {
        var booking = await BookAsync(TimeSpan.FromDays(3));

        var applied = await Grain(booking).AnswerAttendanceAsync(Tap(booking, AttendanceChoice.Decline, from: "+919800000001"));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.False(applied);
        var view = (await Grain(booking).GetAsync())!;
        Assert.Equal(Attendance.Unknown, view.Attendance);
        Assert.DoesNotContain(view.Notifications, n => n.Kind == NotificationKind.RescheduleOffer);
        Assert.Empty(Sent(booking, NotificationKind.RescheduleOffer));
        Assert.False(await ListedAsync(booking, AttentionReasonCodes.Declined));
    }

    [Fact]
    public async Task ButtonReplyForACancelledBookingChangesNothing()
    {
        var booking = await BookAsync(TimeSpan.FromDays(3));
        await Grain(booking).CancelAsync(Bookings.Cancel(booking));
        var before = (await Grain(booking).GetAsync())!;

        var applied = await Grain(booking).AnswerAttendanceAsync(Tap(booking, AttendanceChoice.Decline));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.False(applied);
        var after = (await Grain(booking).GetAsync())!;
        Assert.Equal(Attendance.Unknown, after.Attendance);
        Assert.Equal(before.History, after.History);
        Assert.Empty(Sent(booking, NotificationKind.RescheduleOffer));
        Assert.False(await ListedAsync(booking, AttentionReasonCodes.Declined));
    }

    [Fact]
    public async Task AnswerForABookingNeverStoredChangesNothing()
    {
        var never = Bookings.New(TimeSpan.FromDays(3));

        Assert.False(await Grain(never).AnswerAttendanceAsync(Tap(never, AttendanceChoice.Attend)));
        Assert.Null(await Grain(never).GetAsync());
    }

    [Fact]
    public async Task FollowUpGoesAfterTheMeetingEndsAndANoShowAfterItSendsOneNoShow()
    {
        var booking = await BookAsync(TimeSpan.FromSeconds(3), length: TimeSpan.FromSeconds(2));

        var followUp = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.FollowUp), 1, Wait)).Single();
        Assert.True(followUp.ReceivedAt >= booking.EndTime + ClientJourneyClusterFixture.FollowUpDelay - TimeSpan.FromMilliseconds(100));
        Assert.Equal(["Asha Rao", "Priya Sharma"], followUp.Parameters);

        var mark = new NoShowMark { InviteeId = booking.InviteeId, NoShow = true, At = DateTimeOffset.UtcNow };
        var first = await Grain(booking).MarkNoShowAsync(mark);
        var repeat = await Grain(booking).MarkNoShowAsync(mark);
        var noShow = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.NoShow), 1, Wait)).Single();
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.True(first.Changed);
        Assert.False(repeat.Changed);
        Assert.Equal("turtle_missed_meeting", noShow.TemplateName);
        Assert.Equal(["Asha Rao", "Priya Sharma", booking.RescheduleUrl!], noShow.Parameters);
        Assert.Single(Sent(booking, NotificationKind.NoShow));
        Assert.Single(Sent(booking, NotificationKind.FollowUp));
        var view = (await Grain(booking).GetAsync())!;
        Assert.Equal(Attendance.NoShow, view.Attendance);
        Assert.Contains(view.History, h => h.What == "FollowUp sent" && h.By == BookingSources.Reminder);
        Assert.Contains(view.History, h => h.What == "NoShow sent" && h.By == BookingSources.Webhook);
        Assert.True(await ListedAsync(booking, AttentionReasonCodes.NoShow));

        // Calendly takes the mark back: attendance unknown again, nothing sent, no longer listed; again, nothing changes.
        Assert.True((await Grain(booking).MarkNoShowAsync(mark with { NoShow = false })).Changed);
        Assert.False((await Grain(booking).MarkNoShowAsync(mark with { NoShow = false })).Changed);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(Attendance.Unknown, (await Grain(booking).GetAsync())!.Attendance);
        Assert.False(await ListedAsync(booking, AttentionReasonCodes.NoShow));
        Assert.Single(Sent(booking, NotificationKind.NoShow));
    }

    [Fact]
    public async Task NoShowBeforeTheFollowUpIsDueCancelsIt()
    {
        var booking = await BookAsync(TimeSpan.FromSeconds(2), length: TimeSpan.FromSeconds(3));
        await Task.Delay(booking.StartTime - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500));

        await Grain(booking).MarkNoShowAsync(new NoShowMark { InviteeId = booking.InviteeId, NoShow = true, At = DateTimeOffset.UtcNow });
        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.NoShow), 1, Wait);
        await Task.Delay(booking.EndTime + ClientJourneyClusterFixture.FollowUpDelay - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(4));

        Assert.Empty(Sent(booking, NotificationKind.FollowUp));
        Assert.Equal(NotificationState.Cancelled, (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.FollowUp).State);
    }

    [Fact]
    public async Task CancelledBookingGetsNoFollowUp()
    {
        var booking = await BookAsync(TimeSpan.FromSeconds(2), length: TimeSpan.FromSeconds(1));

        await Grain(booking).CancelAsync(Bookings.Cancel(booking));
        await Task.Delay(booking.EndTime + ClientJourneyClusterFixture.FollowUpDelay - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(4));

        Assert.Empty(Sent(booking, NotificationKind.FollowUp));
    }

    [Fact]
    public async Task ReplyIsRecordedWithTheNumbersNewestOpenBookingOnceAndListedUnderClientReplied()
    {
        var earlier = await BookAsync(TimeSpan.FromDays(5));
        var newest = await BookAsync(TimeSpan.FromDays(9), phone: earlier.Phone);
        var recipient = fixture.Grains.GetGrain<IRecipientGrain>(earlier.Phone!);

        var target = await recipient.BookingForReplyAsync();
        var reply = new ClientReply(DateTimeOffset.UtcNow, "Is parking available at the office?", "wamid.reply-" + Guid.NewGuid().ToString("N"));
        await fixture.Grains.GetGrain<IAppointmentGrain>(target!).RecordReplyAsync(reply);
        await fixture.Grains.GetGrain<IAppointmentGrain>(target!).RecordReplyAsync(reply);

        Assert.Equal(newest.InviteeId, target);
        Assert.Equal([reply], (await Grain(newest).GetAsync())!.Replies);
        Assert.Empty((await Grain(earlier).GetAsync())!.Replies);
        var listed = (await Attention.ListAsync()).Single(e => e.AppointmentId == newest.InviteeId && e.Reason == AttentionReasonCodes.ClientReplied);
        Assert.Equal("Is parking available at the office?", listed.Detail);
        Assert.DoesNotContain(earlier.Phone!, listed.Client, StringComparison.Ordinal);
        Assert.Null(await fixture.Grains.GetGrain<IRecipientGrain>("+919811111111").BookingForReplyAsync());
    }

    [Fact]
    public async Task ReplyFindsItsBookingWhenNothingOfTheNumberIsInMemoryAnymore()
    {
        var booking = await BookAsync(TimeSpan.FromDays(4));
        // Every idle activation goes: the number's grain, the booking and the day index shards (which write themselves out).
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var target = await fixture.Grains.GetGrain<IRecipientGrain>(booking.Phone!).BookingForReplyAsync();

        Assert.Equal(booking.InviteeId, target);
    }

    [Fact]
    public async Task ABookingStoredAfterTheNumbersBookingsWereLookedUpIsCountedToo()
    {
        var first = await BookAsync(TimeSpan.FromDays(2));
        var recipient = fixture.Grains.GetGrain<IRecipientGrain>(first.Phone!);
        Assert.Equal(first.InviteeId, await recipient.BookingForReplyAsync());

        var second = await BookAsync(TimeSpan.FromDays(6), phone: first.Phone);

        Assert.Equal(second.InviteeId, await recipient.BookingForReplyAsync());
    }
}
