using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Appointments;

public class MessageRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private static readonly Random Chance = new(7);

    private DateTimeOffset Current => _time.GetUtcNow();

    private static MessageRules Rules(Action<NotificationOptions>? configure = null) => new(Options.Create(Configured(configure)));

    private static WakePolicy Planner(Action<NotificationOptions>? configure = null)
    {
        var options = Options.Create(Configured(configure));
        return new WakePolicy(options, new MessageRules(options));
    }

    private static NotificationOptions Configured(Action<NotificationOptions>? configure)
    {
        var options = new NotificationOptions { ReminderLeadTimes = [TimeSpan.FromHours(1)] };
        configure?.Invoke(options);
        return options;
    }

    internal static BookingDetails Booking(TimeSpan startIn, string? oldInvitee = null) => new()
    {
        InviteeId = "inv-1",
        InviteeUri = "https://api.calendly.com/scheduled_events/E/invitees/inv-1",
        ClientName = "Asha Rao",
        Phone = "+919876543210",
        StartTime = Now + startIn,
        EndTime = Now + startIn + TimeSpan.FromMinutes(30),
        OldInviteeUri = oldInvitee,
    };

    [Fact]
    public void NewBookingPlansConfirmationNowBioADayBeforeAndReminderAnHourBefore()
    {
        var plan = Rules().PlanForClient(Booking(TimeSpan.FromDays(3)), canSend: true, Current);

        Assert.Collection(plan,
            c => { Assert.Equal(NotificationKind.Confirmation, c.Kind); Assert.Equal(Now, c.DueAt); },
            b => { Assert.Equal(NotificationKind.AdvisorBio, b.Kind); Assert.Equal(Now + TimeSpan.FromDays(2), b.DueAt); },
            r => { Assert.Equal(NotificationKind.Reminder, r.Kind); Assert.Equal(Now + TimeSpan.FromDays(3) - TimeSpan.FromHours(1), r.DueAt); },
            a => { Assert.Equal(NotificationKind.Reconfirm, a.Kind); Assert.Equal(Now + TimeSpan.FromDays(3) - TimeSpan.FromHours(4), a.DueAt); },
            f => { Assert.Equal(NotificationKind.FollowUp, f.Kind); Assert.Equal(Now + TimeSpan.FromDays(3) + TimeSpan.FromMinutes(30) + TimeSpan.FromHours(1), f.DueAt); });
        Assert.All(plan, n => Assert.Equal(NotificationState.Pending, n.State));
        // The confirmation goes with the webhook that stored the booking; the rest wait for the reminder.
        Assert.Equal([BookingSources.Webhook, null, null, null, null], plan.Select(n => n.Trigger));
    }

    [Fact]
    public void RescheduledBookingSendsRescheduledInsteadOfConfirmation()
    {
        var plan = Rules().PlanForClient(Booking(TimeSpan.FromDays(3), oldInvitee: "https://api.calendly.com/x/invitees/old"), canSend: true, Current);

        Assert.Equal(NotificationKind.Rescheduled, plan[0].Kind);
        Assert.DoesNotContain(plan, n => n.Kind == NotificationKind.Confirmation);
    }

    [Fact]
    public void BioWhoseTimeHasPassedIsDueAtOnceAndPastReminderIsSkipped()
    {
        var plan = Rules().PlanForClient(Booking(TimeSpan.FromMinutes(30)), canSend: true, Current);

        var bio = Assert.Single(plan, n => n.Kind == NotificationKind.AdvisorBio);
        Assert.Equal(Now, bio.DueAt);
        Assert.Equal(NotificationState.Pending, bio.State);
        var reminder = Assert.Single(plan, n => n.Kind == NotificationKind.Reminder);
        Assert.Equal(NotificationState.Skipped, reminder.State);
    }

    [Fact]
    public void MeetingThatHasStartedGetsNothing()
    {
        var plan = Rules().PlanForClient(Booking(TimeSpan.FromMinutes(-5)), canSend: true, Current);

        Assert.All(plan, n => Assert.Equal(NotificationState.Skipped, n.State));
        Assert.Null(Rules().NextWake(plan));
    }

    [Fact]
    public void BookingWithoutPhoneSkipsEverything()
    {
        var plan = Rules().PlanForClient(Booking(TimeSpan.FromDays(3)), canSend: false, Current);

        Assert.All(plan, n => Assert.Equal(NotificationState.Skipped, n.State));
    }

    [Fact]
    public void SeveralReminderLeadTimesPlanOneReminderEach()
    {
        var rules = Rules(o => o.ReminderLeadTimes = [TimeSpan.FromHours(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)]);

        var reminders = rules.PlanForClient(Booking(TimeSpan.FromDays(3)), canSend: true, Current).Where(n => n.Kind == NotificationKind.Reminder).ToList();

        Assert.Equal([TimeSpan.FromHours(1), TimeSpan.FromMinutes(10)], reminders.Select(r => r.LeadTime!.Value));
    }

    [Fact]
    public void MeetingNinetyDaysAheadArmsACappedReminderTowardTheBio()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromDays(90)), canSend: true, Current);
        plan[0].State = NotificationState.Sent;

        var wake = rules.NextWake(plan);

        Assert.Equal(Now + TimeSpan.FromDays(89), wake);
        Assert.Equal(TimeSpan.FromDays(2), Planner().ReminderDueTime(wake!.Value, Current));
    }

    [Fact]
    public void DueListsOnlyWhatHasFallenDueOldestFirst()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(2)), canSend: true, Current);
        plan[0].State = NotificationState.Sent;
        Assert.Null(rules.NextDue(plan, Current));

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(NotificationKind.AdvisorBio, rules.NextDue(plan, Current)?.Kind);
    }

    [Fact]
    public void InterruptedClaimIsDueAgainOnlyAfterTheSendTimeout()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromDays(3)), canSend: true, Current);
        MessageRules.Claim(plan[0], Current);
        Assert.Null(rules.NextDue(plan, Current));

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Same(plan[0], rules.NextDue(plan, Current));
    }

    [Fact]
    public void TransientFailureRetriesLaterWithGrowingDelay()
    {
        var rules = Rules(o => o.RetryBaseDelay = TimeSpan.FromSeconds(10));
        var booking = Booking(TimeSpan.FromDays(3));
        var entry = rules.PlanForClient(booking, canSend: true, Current)[0];

        MessageRules.Claim(entry, Current);
        rules.Apply(entry, new SendOutcome(SendResult.Transient, ErrorCode: 131056, ErrorText: "pair rate limit"), booking, Current, Chance);
        var first = entry.NextAttemptAt!.Value - Now;
        MessageRules.Claim(entry, Current);
        rules.Apply(entry, new SendOutcome(SendResult.Transient, ErrorCode: 131056, ErrorText: "pair rate limit"), booking, Current, Chance);
        var second = entry.NextAttemptAt!.Value - Now;

        Assert.Equal(NotificationState.Pending, entry.State);
        Assert.InRange(first, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        Assert.InRange(second, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        Assert.Contains("131056", entry.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryAfterFromMetaIsHonoured()
    {
        var delay = Rules().RetryDelay(1, TimeSpan.FromMinutes(5), Chance);

        Assert.Equal(TimeSpan.FromMinutes(5), delay);
    }

    [Fact]
    public void TransientFailureIsNotRetriedPastTheMeetingStart()
    {
        var rules = Rules(o => o.RetryBaseDelay = TimeSpan.FromMinutes(10));
        var booking = Booking(TimeSpan.FromMinutes(3));
        var entry = rules.PlanForClient(booking, canSend: true, Current)[0];

        MessageRules.Claim(entry, Current);
        rules.Apply(entry, new SendOutcome(SendResult.Transient, ErrorCode: 130429, ErrorText: "throttled"), booking, Current, Chance);

        Assert.Equal(NotificationState.Failed, entry.State);
    }

    [Fact]
    public void AttemptsAreBounded()
    {
        var rules = Rules(o => { o.MaxAttempts = 2; o.RetryBaseDelay = TimeSpan.FromSeconds(1); });
        var booking = Booking(TimeSpan.FromDays(3));
        var entry = rules.PlanForClient(booking, canSend: true, Current)[0];
        var throttled = new SendOutcome(SendResult.Transient, ErrorCode: 130429, ErrorText: "throttled");

        MessageRules.Claim(entry, Current);
        rules.Apply(entry, throttled, booking, Current, Chance);
        MessageRules.Claim(entry, Current);
        rules.Apply(entry, throttled, booking, Current, Chance);

        Assert.Equal(NotificationState.Failed, entry.State);
        Assert.Equal(2, entry.Attempts);
    }

    [Fact]
    public void PermanentFailureIsFailedWithMetasCodeAndNeverRetried()
    {
        var rules = Rules();
        var booking = Booking(TimeSpan.FromDays(3));
        var entry = rules.PlanForClient(booking, canSend: true, Current)[0];

        MessageRules.Claim(entry, Current);
        rules.Apply(entry, new SendOutcome(SendResult.Permanent, ErrorCode: 131026, ErrorText: "Message undeliverable"), booking, Current, Chance);

        Assert.Equal(NotificationState.Failed, entry.State);
        Assert.Equal("131026: Message undeliverable", entry.LastError);
        Assert.Null(entry.NextAttemptAt);
    }

    [Fact]
    public void SentMessageRecordsItsIdAndLeavesTheRules()
    {
        var rules = Rules();
        var booking = Booking(TimeSpan.FromDays(3));
        var plan = rules.PlanForClient(booking, canSend: true, Current);

        MessageRules.Claim(plan[0], Current);
        rules.Apply(plan[0], SendOutcome.Accepted("wamid.1"), booking, Current, Chance);

        Assert.Equal(NotificationState.Sent, plan[0].State);
        Assert.Equal("wamid.1", plan[0].MessageId);
        Assert.Equal(Now + TimeSpan.FromDays(2), rules.NextWake(plan));
    }

    [Fact]
    public void WakeSoonerThanAPeriodUsesATimerBackedByAReminderOnePeriodOut()
    {
        var rules = Rules(o => o.ReminderPeriod = TimeSpan.FromMinutes(1));
        var plan = rules.PlanForClient(Booking(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(20)), canSend: true, Current);
        plan[0].State = NotificationState.Sent;

        var wake = Planner(o => o.ReminderPeriod = TimeSpan.FromMinutes(1)).Plan(plan, armedFor: null, Current);

        Assert.Equal(TimeSpan.FromSeconds(20), wake.TimerIn);
        Assert.Equal(TimeSpan.FromMinutes(1), wake.ReminderDue);
    }

    [Fact]
    public void WakeFarAheadArmsOnlyTheCappedReminder()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromDays(30)), canSend: true, Current);
        plan[0].State = NotificationState.Sent;

        var wake = Planner().Plan(plan, armedFor: null, Current);

        Assert.Null(wake.TimerIn);
        Assert.Equal(TimeSpan.FromDays(2), wake.ReminderDue);
    }

    [Fact]
    public void ReminderAlreadyArmedForThatTimeIsLeftAlone()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromDays(1) + TimeSpan.FromHours(5)), canSend: true, Current);
        plan[0].State = NotificationState.Sent;

        var wake = Planner().Plan(plan, armedFor: Now + TimeSpan.FromHours(5), Current);

        Assert.Null(wake.ReminderDue);
        Assert.False(wake.Disarm);
    }

    [Fact]
    public void MessageWaitingForItsNumbersSlotWakesTheBookingAtTheSlot()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromDays(3)), canSend: true, Current);
        // The dispatcher reserved the number's next slot, 4 s away.
        plan[0].NextAttemptAt = Now + TimeSpan.FromSeconds(4);

        var wake = Planner().Plan(plan, armedFor: null, Current);

        Assert.Equal(TimeSpan.FromSeconds(4), wake.TimerIn);
    }

    [Fact]
    public void NothingLeftToSendDisarms()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromMinutes(-1)), canSend: true, Current);

        Assert.True(Planner().Plan(plan, armedFor: Now + TimeSpan.FromMinutes(1), Current).Disarm);
    }

    [Fact]
    public void BookingWhoseListingIsNotStoredWakesWithinAPeriodThoughItsNextMessageIsDaysAway()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromDays(3)), canSend: true, Current);
        plan[0].State = NotificationState.Sent;
        var planner = Planner(o => o.ReminderPeriod = TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.FromDays(2), planner.Plan(plan, armedFor: null, Current).ReminderDue);
        Assert.Equal(TimeSpan.FromMinutes(1), planner.PlanSoon(plan, armedFor: Now + TimeSpan.FromDays(2), Current).ReminderDue);
        Assert.Null(planner.PlanSoon(plan, armedFor: Now + TimeSpan.FromSeconds(40), Current).ReminderDue);
    }

    [Fact]
    public void BookingWhoseListingIsNotStoredKeepsItsReminderWithNothingLeftToSend()
    {
        var rules = Rules();
        var plan = rules.PlanForClient(Booking(TimeSpan.FromMinutes(-1)), canSend: true, Current);
        var planner = Planner(o => o.ReminderPeriod = TimeSpan.FromMinutes(1));

        var wake = planner.PlanSoon(plan, armedFor: null, Current);

        Assert.False(wake.Disarm);
        Assert.Equal(TimeSpan.FromMinutes(1), wake.ReminderDue);
    }
}

internal static class ClientPlans
{
    /// <summary>The client's messages of a plan: these tests are about them; the advisor's notices are AdvisorMessageRulesTests'.</summary>
    public static List<Notification> PlanForClient(this MessageRules rules, BookingDetails booking, bool canSend, DateTimeOffset now) =>
        [.. rules.Plan(booking, canSend, now).Where(n => MessageKinds.Of(n.Kind).Audience == Audience.Client)];
}
