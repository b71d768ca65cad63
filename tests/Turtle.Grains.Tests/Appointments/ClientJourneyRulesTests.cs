using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>SPEC §5 "After booking" as plain decisions: what is planned, what an answer, a no-show or a reply does.</summary>
public class ClientJourneyRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private const string Phone = "+919876543210";

    private static MessageRules Rules(Action<NotificationOptions>? configure = null)
    {
        var options = new NotificationOptions { ReminderLeadTimes = [TimeSpan.FromHours(1)] };
        configure?.Invoke(options);
        return new MessageRules(Options.Create(options));
    }

    private static BookingDetails Booking(TimeSpan startIn) => new()
    {
        InviteeId = "inv-1",
        InviteeUri = "https://api.calendly.com/scheduled_events/E/invitees/inv-1",
        ClientName = "Asha Rao",
        Phone = Phone,
        StartTime = Now + startIn,
        EndTime = Now + startIn + TimeSpan.FromMinutes(30),
        CreatedAt = Now,
    };

    private static AppointmentState Booked(TimeSpan startIn, AppointmentStatus status = AppointmentStatus.Booked) => new()
    {
        Status = status,
        Details = Booking(startIn),
        Notifications = Rules().Plan(Booking(startIn), canSend: true, Now),
    };

    private static AttendanceAnswer Tap(AttendanceChoice choice, string from = Phone, string id = "wamid.tap") => new(from, choice, id, Now);

    [Fact]
    public void CancelTapAsksCalendlyOnceAndNotForAnotherNumberOrAMeetingUnderWay()
    {
        var booking = Booked(TimeSpan.FromDays(1));

        Assert.False(JourneyRules.Answer(booking, Tap(AttendanceChoice.Cancel, from: "+919800000000")).Applies);
        var first = JourneyRules.Answer(booking, Tap(AttendanceChoice.Cancel));
        Assert.True(first is { Changed: true, CancelAtCalendly: true, Event: null });
        Assert.Equal(Now, booking.CancelRequestedAt);
        Assert.Equal(Attendance.Unknown, booking.Attendance);
        // A repeat asks again only while the first request's outcome is unknown (its call failed on the way).
        Assert.True(JourneyRules.Answer(booking, Tap(AttendanceChoice.Cancel, id: "wamid.again")).CancelAtCalendly);
        booking.CancelRequestOutcome = "cancelled at Calendly";
        Assert.True(JourneyRules.Answer(booking, Tap(AttendanceChoice.Cancel, id: "wamid.third")) is { Changed: false, CancelAtCalendly: false });

        var started = Booked(TimeSpan.FromMinutes(-5));
        Assert.True(JourneyRules.Answer(started, Tap(AttendanceChoice.Cancel)) is { Changed: false, CancelAtCalendly: false });
        Assert.Null(started.CancelRequestedAt);
    }

    [Theory]
    [InlineData("5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69:cancel", AttendanceChoice.Cancel)]
    [InlineData("5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69:decline", AttendanceChoice.Decline)]
    public void ReconfirmButtonsCarryTheirAnswer(string payload, AttendanceChoice choice)
    {
        Assert.True(AttendanceButton.TryParse(payload, out var id, out var parsed));
        Assert.Equal(("5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69", choice), (id, parsed));
        Assert.Equal(["x:attend", "x:decline", "x:cancel"], MessageTemplates.Of(NotificationKind.Reconfirm).ButtonPayloads("x"));
    }

    [Fact]
    public void ReconfirmWhoseTimeHasPassedAtBookingIsSkipped()
    {
        var plan = Rules().Plan(Booking(TimeSpan.FromHours(3)), canSend: true, Now);

        var reconfirm = Assert.Single(plan, n => n.Kind == NotificationKind.Reconfirm);
        Assert.Equal(NotificationState.Skipped, reconfirm.State);
        Assert.Equal(Now + TimeSpan.FromHours(3) - TimeSpan.FromHours(4), reconfirm.DueAt);
    }

    [Fact]
    public void ReconfirmLeadTimeAndFollowUpDelayAreConfigurable()
    {
        var plan = Rules(o => { o.ReconfirmLeadTime = TimeSpan.FromHours(24); o.FollowUpDelay = TimeSpan.FromMinutes(10); })
            .Plan(Booking(TimeSpan.FromDays(3)), canSend: true, Now);

        Assert.Equal(Now + TimeSpan.FromDays(2), plan.Single(n => n.Kind == NotificationKind.Reconfirm).DueAt);
        Assert.Equal(Now + TimeSpan.FromDays(3) + TimeSpan.FromMinutes(40), plan.Single(n => n.Kind == NotificationKind.FollowUp).DueAt);
    }

    [Theory]
    [InlineData(BookingEvent.Cancelled)]
    [InlineData(BookingEvent.CancelledForReschedule)]
    [InlineData(BookingEvent.NoShow)]
    public void FollowUpIsCancelledByCancelRescheduleAndNoShow(BookingEvent happened)
    {
        var state = Booked(TimeSpan.FromDays(3));

        Rules().Apply(happened, state.Notifications, state.Details!, Now, BookingSources.Webhook);

        Assert.Equal(NotificationState.Cancelled, state.Notifications.Single(n => n.Kind == NotificationKind.FollowUp).State);
    }

    [Fact]
    public void DeclineSendsOneRescheduleOfferAtOnceAndLeavesTheFollowUp()
    {
        var state = Booked(TimeSpan.FromDays(3));

        Rules().Apply(BookingEvent.Declined, state.Notifications, state.Details!, Now, BookingSources.ClientReply);
        Rules().Apply(BookingEvent.Declined, state.Notifications, state.Details!, Now, BookingSources.ClientReply);

        var offer = Assert.Single(state.Notifications, n => n.Kind == NotificationKind.RescheduleOffer);
        Assert.Equal(Now, offer.DueAt);
        Assert.Equal(BookingSources.ClientReply, offer.Trigger);
        Assert.Equal(NotificationState.Pending, state.Notifications.Single(n => n.Kind == NotificationKind.FollowUp).State);
    }

    [Fact]
    public void NoShowIsSentOnceAfterTheMeetingAndARemovedMarkCancelsOneStillPending()
    {
        var state = Booked(TimeSpan.FromDays(3));
        var afterMeeting = Now + TimeSpan.FromDays(3) + TimeSpan.FromHours(2);

        Rules().Apply(BookingEvent.NoShow, state.Notifications, state.Details!, afterMeeting, BookingSources.Webhook);
        Rules().Apply(BookingEvent.NoShow, state.Notifications, state.Details!, afterMeeting, BookingSources.Webhook);
        Assert.Equal(NotificationState.Pending, Assert.Single(state.Notifications, n => n.Kind == NotificationKind.NoShow).State);

        Rules().Apply(BookingEvent.NoShowRemoved, state.Notifications, state.Details!, afterMeeting, BookingSources.Webhook);
        Assert.Equal(NotificationState.Cancelled, Assert.Single(state.Notifications, n => n.Kind == NotificationKind.NoShow).State);
    }

    [Fact]
    public void DeclineAfterTheMeetingStartedSendsNoOffer()
    {
        var state = Booked(TimeSpan.FromDays(3));

        Rules().Apply(BookingEvent.Declined, state.Notifications, state.Details!, Now + TimeSpan.FromDays(4), BookingSources.ClientReply);

        Assert.DoesNotContain(state.Notifications, n => n.Kind == NotificationKind.RescheduleOffer);
    }

    [Fact]
    public void DisabledKindsAreNeitherPlannedNorSentByEvents()
    {
        var rules = Rules(o => o.DisabledKinds = ["followup", "RescheduleOffer"]);
        var plan = rules.Plan(Booking(TimeSpan.FromDays(3)), canSend: true, Now);

        rules.Apply(BookingEvent.Declined, plan, Booking(TimeSpan.FromDays(3)), Now, BookingSources.ClientReply);

        Assert.DoesNotContain(plan, n => n.Kind is NotificationKind.FollowUp or NotificationKind.RescheduleOffer);
        Assert.Contains(plan, n => n.Kind == NotificationKind.Reconfirm);
    }

    [Fact]
    public void KindDisabledAfterItWasPlannedIsSkippedWhenDue()
    {
        var plan = Rules().Plan(Booking(TimeSpan.FromDays(3)), canSend: true, Now);
        var reconfirm = plan.Single(n => n.Kind == NotificationKind.Reconfirm);

        var gate = Rules(o => o.DisabledKinds = ["Reconfirm"]).Gate(reconfirm, Booking(TimeSpan.FromDays(3)), hasAdvisor: true, reconfirm.DueAt);

        Assert.Equal(GateDecision.Skipped, gate);
        Assert.Contains("Notifications:DisabledKinds", reconfirm.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDisabledKindIsRefusedNamingTheKey()
    {
        var options = new NotificationOptions { DisabledKinds = ["FollowUp", "Thanks"] };

        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        var error = Assert.Single(errors);
        Assert.StartsWith("Notifications:DisabledKinds:1 'Thanks' is not a message kind", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclineFromTheBookingsNumberSetsDeclinedAndAsksForTheOffer()
    {
        var state = Booked(TimeSpan.FromDays(3));

        var step = JourneyRules.Answer(state, Tap(AttendanceChoice.Decline));

        Assert.True(step.Changed);
        Assert.Equal(BookingEvent.Declined, step.Event);
        Assert.Equal(Attendance.Declined, state.Attendance);
        var raise = Assert.Single(step.Attention);
        Assert.Equal((AttentionReasonCodes.Declined, true), (raise.Reason, raise.Raise));
        Assert.Equal(BookingSources.ClientReply, state.History[^1].By);
    }

    [Fact]
    public void AnswerFromAnotherNumberChangesNothing()
    {
        var state = Booked(TimeSpan.FromDays(3));

        var step = JourneyRules.Answer(state, Tap(AttendanceChoice.Decline, from: "+919800000000"));

        Assert.False(step.Applies);
        Assert.Equal(Attendance.Unknown, state.Attendance);
        Assert.Empty(state.History);
    }

    [Fact]
    public void AnswerFromTheWhatsAppIdMetaAnsweredForTheNumberApplies()
    {
        var state = Booked(TimeSpan.FromDays(3));
        state.ClientWaId = "+5511987654321";

        var step = JourneyRules.Answer(state, Tap(AttendanceChoice.Attend, from: "+5511987654321"));

        Assert.True(step.Changed);
        Assert.Equal(Attendance.Confirmed, state.Attendance);
    }

    [Theory]
    [InlineData(AppointmentStatus.Cancelled)]
    [InlineData(AppointmentStatus.Rescheduled)]
    public void AnswerForACancelledBookingChangesNothing(AppointmentStatus status)
    {
        var state = Booked(TimeSpan.FromDays(3), status);

        Assert.False(JourneyRules.Answer(state, Tap(AttendanceChoice.Decline)).Applies);
        Assert.Equal(Attendance.Unknown, state.Attendance);
    }

    [Fact]
    public void RepeatedDeclineChangesNothingButRaisesTheEntryAgainAndAttendClearsIt()
    {
        var state = Booked(TimeSpan.FromDays(3));
        JourneyRules.Answer(state, Tap(AttendanceChoice.Decline));

        var repeat = JourneyRules.Answer(state, Tap(AttendanceChoice.Decline));
        var attend = JourneyRules.Answer(state, Tap(AttendanceChoice.Attend));

        Assert.False(repeat.Changed);
        Assert.Null(repeat.Event);
        Assert.True(Assert.Single(repeat.Attention).Raise);
        Assert.True(attend.Changed);
        Assert.Null(attend.Event);
        Assert.Equal(Attendance.Confirmed, state.Attendance);
        Assert.Equal((AttentionReasonCodes.Declined, false), (attend.Attention[0].Reason, attend.Attention[0].Raise));
    }

    [Fact]
    public void NoShowMarkIsIdempotentAndItsRemovalGoesBackToUnknown()
    {
        var state = Booked(TimeSpan.FromDays(-1));
        var mark = new NoShowMark { InviteeId = "inv-1", NoShow = true, At = Now };

        var first = JourneyRules.MarkNoShow(state, mark);
        var again = JourneyRules.MarkNoShow(state, mark);
        var tap = JourneyRules.Answer(state, Tap(AttendanceChoice.Attend));
        var removed = JourneyRules.MarkNoShow(state, mark with { NoShow = false });
        var removedAgain = JourneyRules.MarkNoShow(state, mark with { NoShow = false });

        Assert.Equal((true, BookingEvent.NoShow), (first.Changed, first.Event));
        Assert.False(again.Changed);
        Assert.False(tap.Changed);
        Assert.Equal((true, BookingEvent.NoShowRemoved), (removed.Changed, removed.Event));
        Assert.False(removedAgain.Changed);
        Assert.Equal(Attendance.Unknown, state.Attendance);
        Assert.Equal(["marked a no-show in Calendly", "no-show mark removed in Calendly"], state.History.Select(h => h.What));
        Assert.All(state.History, h => Assert.Equal(BookingSources.Webhook, h.By));
    }

    [Fact]
    public void ReplyIsRecordedOnceAndListedUnderClientReplied()
    {
        var state = Booked(TimeSpan.FromDays(3));
        var reply = new ClientReply(Now, "Can we make it 4 pm instead?", "wamid.r1");

        var first = JourneyRules.Reply(state, reply);
        var redelivered = JourneyRules.Reply(state, reply);

        Assert.True(first.Changed);
        Assert.False(redelivered.Changed);
        Assert.Equal([reply], state.Replies);
        Assert.Equal(AttentionReasonCodes.ClientReplied, Assert.Single(redelivered.Attention).Reason);
        Assert.Equal("Can we make it 4 pm instead?", redelivered.Attention[0].Detail);
    }

    [Fact]
    public void RepliesAndHistoryKeepOnlyTheNewestAndCutLongTexts()
    {
        var state = Booked(TimeSpan.FromDays(3));

        for (var i = 0; i < 130; i++)
        {
            BookingRecords.AddReply(state, new ClientReply(Now.AddSeconds(i), new string('x', 5_000), $"wamid.{i}"));
            BookingRecords.Record(state, Now.AddSeconds(i), BookingSources.Console, $"event {i} " + new string('y', 1_000));
        }

        Assert.Equal(BookingRecords.ReplyCapacity, state.Replies.Count);
        Assert.Equal("wamid.80", state.Replies[0].MessageId);
        Assert.All(state.Replies, r => Assert.Equal(ClientReply.MaxLength, r.Text.Length));
        Assert.Equal(BookingRecords.HistoryCapacity, state.History.Count);
        Assert.StartsWith("event 30 ", state.History[0].What, StringComparison.Ordinal);
        Assert.All(state.History, h => Assert.Equal(BookingRecords.MaxHistoryText, h.What.Length));
    }

    [Fact]
    public void MessageOutcomesAreRecordedAsTheWebhookOrTheReminderSentThem()
    {
        var state = Booked(TimeSpan.FromDays(3));
        var confirmation = state.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        var reminder = state.Notifications.Single(n => n.Kind == NotificationKind.Reminder);
        confirmation.State = NotificationState.Sent;
        reminder.State = NotificationState.Failed;
        reminder.LastError = "131026: Message undeliverable";

        BookingRecords.RecordMessage(state, confirmation, Now);
        BookingRecords.RecordMessage(state, reminder, Now);
        reminder.State = NotificationState.Pending;
        BookingRecords.RecordMessage(state, reminder, Now);

        Assert.Equal(
            [("Confirmation sent", BookingSources.Webhook), ("Reminder (01:00:00 before) failed: 131026: Message undeliverable", BookingSources.Reminder)],
            state.History.Select(h => (h.What, h.By)));
    }

    private static AppointmentView View(string id, TimeSpan startIn, TimeSpan bookedAgo, AppointmentStatus status = AppointmentStatus.Booked) => new()
    {
        Id = id,
        Status = status,
        StartTime = Now + startIn,
        EndTime = Now + startIn + TimeSpan.FromMinutes(30),
        BookedAt = Now - bookedAgo,
    };

    [Fact]
    public void ReplyGoesToTheNewestBookingWhoseMeetingHasNotEnded()
    {
        var bookings = new[]
        {
            View("past", TimeSpan.FromDays(-2), TimeSpan.FromDays(1)),
            View("next-week", TimeSpan.FromDays(7), TimeSpan.FromDays(3)),
            View("tomorrow-booked-later", TimeSpan.FromDays(1), TimeSpan.FromHours(1)),
            View("in-progress", TimeSpan.FromMinutes(-10), TimeSpan.FromDays(5)),
            View("cancelled-newest", TimeSpan.FromDays(2), TimeSpan.FromMinutes(1), AppointmentStatus.Cancelled),
        };

        Assert.Equal("tomorrow-booked-later", ReplyRouting.Choose(bookings, Now));
    }

    [Fact]
    public void ReplyWithOnlyEndedBookingsGoesToTheLatestAndPassesOverOneReplacedByAReschedule()
    {
        var bookings = new[]
        {
            View("last-month", TimeSpan.FromDays(-30), TimeSpan.FromDays(40)),
            View("yesterday", TimeSpan.FromDays(-1), TimeSpan.FromDays(9)),
            View("moved", TimeSpan.FromHours(-1), TimeSpan.FromDays(2), AppointmentStatus.Rescheduled),
        };

        Assert.Equal("yesterday", ReplyRouting.Choose(bookings, Now));
        Assert.Null(ReplyRouting.Choose([], Now));
    }

    [Theory]
    [InlineData("2f1c9a7e-6b1d-4c1e-9a51-0d8e7b6c5a41:attend", true, AttendanceChoice.Attend)]
    [InlineData("2F1C9A7E-6B1D-4C1E-9A51-0D8E7B6C5A41:decline", true, AttendanceChoice.Decline)]
    [InlineData("2f1c9a7e-6b1d-4c1e-9a51-0d8e7b6c5a41:maybe", false, AttendanceChoice.Attend)]
    [InlineData("Yes, I will attend", false, AttendanceChoice.Attend)]
    [InlineData(":attend", false, AttendanceChoice.Attend)]
    [InlineData(null, false, AttendanceChoice.Attend)]
    public void ButtonPayloadsAreReadAsTheSiloWroteThem(string? payload, bool parsed, AttendanceChoice choice)
    {
        Assert.Equal(parsed, AttendanceButton.TryParse(payload, out var id, out var read));
        if (parsed)
        {
            Assert.Equal("2f1c9a7e-6b1d-4c1e-9a51-0d8e7b6c5a41", id);
            Assert.Equal(choice, read);
            Assert.Equal(payload!.ToLowerInvariant(), AttendanceButton.For(id, read));
        }
    }
}
