using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>The advisor's notices as rules (SPEC §5 "The advisor's side"): planned, sent on events, gated.</summary>
public sealed class AdvisorMessageRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private static MessageRules Rules() => new(Options.Create(new NotificationOptions { ReminderLeadTimes = [TimeSpan.FromHours(1)] }));

    private static BookingDetails Booking(TimeSpan startIn, string? oldInvitee = null) => MessageRulesTests.Booking(startIn, oldInvitee);

    [Fact]
    public void ABookingTellsItsAdvisorAtOnceAfterTheClientsMessagesDueThen()
    {
        var plan = Rules().Plan(Booking(TimeSpan.FromHours(3)), canSend: true, _time.GetUtcNow());

        var dueNow = plan.Where(n => n.State == NotificationState.Pending && n.DueAt == Now).Select(n => n.Kind).ToList();
        Assert.Equal([NotificationKind.Confirmation, NotificationKind.AdvisorBio, NotificationKind.AdvisorBooked], dueNow);
        // Among messages due at once, the oldest first and the plan's order among equals: the client's come first.
        Assert.Equal(NotificationKind.Confirmation, Rules().NextDue(plan, Now)!.Kind);
    }

    [Fact]
    public void ARescheduledBookingTellsTheAdvisorToo()
    {
        var plan = Rules().Plan(Booking(TimeSpan.FromDays(3), oldInvitee: "https://api.calendly.com/x/invitees/old"), canSend: true, Now);

        Assert.Single(plan, n => n.Kind == NotificationKind.AdvisorBooked && n.DueAt == Now);
    }

    [Fact]
    public void CancellingTellsTheAdvisorOnlyOfABookingTheyWereToldOf()
    {
        var booking = Booking(TimeSpan.FromDays(3));
        var told = Rules().Plan(booking, canSend: true, Now);
        told.Single(n => n.Kind == NotificationKind.AdvisorBooked).State = NotificationState.Sent;
        var notYetTold = Rules().Plan(booking, canSend: true, Now);

        Rules().Apply(BookingEvent.Cancelled, told, booking, Now, BookingSources.Webhook);
        Rules().Apply(BookingEvent.Cancelled, notYetTold, booking, Now, BookingSources.Webhook);

        Assert.Single(told, n => n.Kind == NotificationKind.AdvisorCancelled && n.State == NotificationState.Pending);
        Assert.DoesNotContain(notYetTold, n => n.Kind == NotificationKind.AdvisorCancelled);
        Assert.Equal(NotificationState.Cancelled, notYetTold.Single(n => n.Kind == NotificationKind.AdvisorBooked).State);
    }

    [Fact]
    public void AnAdvisorNoticeBeingSentCountsAsToldWhenTheCancelArrives()
    {
        var booking = Booking(TimeSpan.FromDays(3));
        var plan = Rules().Plan(booking, canSend: true, Now);
        MessageRules.Claim(plan.Single(n => n.Kind == NotificationKind.AdvisorBooked), Now);

        Rules().Apply(BookingEvent.Cancelled, plan, booking, Now, BookingSources.Webhook);

        Assert.Single(plan, n => n.Kind == NotificationKind.AdvisorCancelled);
    }

    [Fact]
    public void HalfOfARescheduleTellsTheAdvisorNothing()
    {
        var booking = Booking(TimeSpan.FromDays(3));
        var plan = Rules().Plan(booking, canSend: true, Now);
        plan.Single(n => n.Kind == NotificationKind.AdvisorBooked).State = NotificationState.Sent;

        Rules().Apply(BookingEvent.CancelledForReschedule, plan, booking, Now, BookingSources.Webhook);

        Assert.DoesNotContain(plan, n => n.Kind == NotificationKind.AdvisorCancelled);
    }

    [Fact]
    public void ADeclineTellsTheAdvisorAtOnceUntilTheMeetingStarts()
    {
        var booking = Booking(TimeSpan.FromHours(4));
        var plan = Rules().Plan(booking, canSend: true, Now);
        var afterStart = Rules().Plan(booking, canSend: true, Now);

        Rules().Apply(BookingEvent.Declined, plan, booking, Now, BookingSources.Webhook);
        Rules().Apply(BookingEvent.Declined, afterStart, booking, booking.StartTime, BookingSources.Webhook);

        var declined = Assert.Single(plan, n => n.Kind == NotificationKind.AdvisorDeclined);
        Assert.Equal(Now, declined.DueAt);
        Assert.Equal(NotificationState.Pending, declined.State);
        Assert.DoesNotContain(afterStart, n => n.Kind == NotificationKind.AdvisorDeclined);
    }

    [Fact]
    public void AnAdvisorNoticeWithNoAdvisorAssignedIsSkippedButTheNewBookingNoticeWaitsForOne()
    {
        var booking = Booking(TimeSpan.FromDays(3));
        var cancelled = new Notification { Kind = NotificationKind.AdvisorCancelled, DueAt = Now, State = NotificationState.Pending };
        var booked = new Notification { Kind = NotificationKind.AdvisorBooked, DueAt = Now, State = NotificationState.Pending };

        Assert.Equal(GateDecision.Skipped, Rules().Gate(cancelled, booking, hasAdvisor: false, Now));
        Assert.Equal(MessageRules.NoAdvisorToTell, cancelled.LastError);
        Assert.Equal(GateDecision.NeedsAdvisor, Rules().Gate(booked, booking, hasAdvisor: false, Now));
        Assert.Equal(GateDecision.Open, Rules().Gate(booked, booking, hasAdvisor: true, Now));
    }

    [Fact]
    public void AnAgendaIsRetriedUntilItsDayEndsNotUntilAMeeting()
    {
        var rules = Rules();
        var entry = new Notification { Kind = NotificationKind.AdvisorAgenda, DueAt = Now, State = NotificationState.Pending };
        MessageRules.Claim(entry, Now);

        rules.Apply(entry, new SendOutcome(SendResult.Transient, ErrorCode: 131000, ErrorText: "Something went wrong"), sendBy: Now + TimeSpan.FromHours(10), Now, new Random(3));
        Assert.Equal(NotificationState.Pending, entry.State);

        MessageRules.Claim(entry, Now);
        rules.Apply(entry, new SendOutcome(SendResult.Transient, ErrorCode: 131000, ErrorText: "Something went wrong"), sendBy: Now + TimeSpan.FromSeconds(1), Now, new Random(3));
        Assert.Equal(NotificationState.Failed, entry.State);
        Assert.Contains("too late", entry.LastError, StringComparison.Ordinal);
    }
}
