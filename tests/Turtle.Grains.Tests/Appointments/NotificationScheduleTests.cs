using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Appointments;

public class NotificationScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private NotificationSchedule Schedule(Action<NotificationOptions>? configure = null)
    {
        var options = new NotificationOptions { ReminderLeadTimes = [TimeSpan.FromHours(1)] };
        configure?.Invoke(options);
        return new NotificationSchedule(Options.Create(options), _time);
    }

    private static BookingDetails Booking(TimeSpan startIn, string? oldInvitee = null) => new()
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
        var plan = Schedule().Plan(Booking(TimeSpan.FromDays(3)), canSend: true);

        Assert.Collection(plan,
            c => { Assert.Equal(NotificationKind.Confirmation, c.Kind); Assert.Equal(Now, c.DueAt); },
            b => { Assert.Equal(NotificationKind.AdvisorBio, b.Kind); Assert.Equal(Now + TimeSpan.FromDays(2), b.DueAt); },
            r => { Assert.Equal(NotificationKind.Reminder, r.Kind); Assert.Equal(Now + TimeSpan.FromDays(3) - TimeSpan.FromHours(1), r.DueAt); });
        Assert.All(plan, n => Assert.Equal(NotificationState.Pending, n.State));
    }

    [Fact]
    public void RescheduledBookingSendsRescheduledInsteadOfConfirmation()
    {
        var plan = Schedule().Plan(Booking(TimeSpan.FromDays(3), oldInvitee: "https://api.calendly.com/x/invitees/old"), canSend: true);

        Assert.Equal(NotificationKind.Rescheduled, plan[0].Kind);
        Assert.DoesNotContain(plan, n => n.Kind == NotificationKind.Confirmation);
    }

    [Fact]
    public void BioWhoseTimeHasPassedIsDueAtOnceAndPastReminderIsSkipped()
    {
        var plan = Schedule().Plan(Booking(TimeSpan.FromMinutes(30)), canSend: true);

        var bio = Assert.Single(plan, n => n.Kind == NotificationKind.AdvisorBio);
        Assert.Equal(Now, bio.DueAt);
        Assert.Equal(NotificationState.Pending, bio.State);
        var reminder = Assert.Single(plan, n => n.Kind == NotificationKind.Reminder);
        Assert.Equal(NotificationState.Skipped, reminder.State);
    }

    [Fact]
    public void MeetingThatHasStartedGetsNothing()
    {
        var plan = Schedule().Plan(Booking(TimeSpan.FromMinutes(-5)), canSend: true);

        Assert.All(plan, n => Assert.Equal(NotificationState.Skipped, n.State));
        Assert.Null(Schedule().NextWake(plan));
    }

    [Fact]
    public void BookingWithoutPhoneSkipsEverything()
    {
        var plan = Schedule().Plan(Booking(TimeSpan.FromDays(3)), canSend: false);

        Assert.All(plan, n => Assert.Equal(NotificationState.Skipped, n.State));
    }

    [Fact]
    public void SeveralReminderLeadTimesPlanOneReminderEach()
    {
        var schedule = Schedule(o => o.ReminderLeadTimes = [TimeSpan.FromHours(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)]);

        var reminders = schedule.Plan(Booking(TimeSpan.FromDays(3)), canSend: true).Where(n => n.Kind == NotificationKind.Reminder).ToList();

        Assert.Equal([TimeSpan.FromHours(1), TimeSpan.FromMinutes(10)], reminders.Select(r => r.LeadTime!.Value));
    }

    [Fact]
    public void MeetingNinetyDaysAheadArmsACappedReminderTowardTheBio()
    {
        var schedule = Schedule();
        var plan = schedule.Plan(Booking(TimeSpan.FromDays(90)), canSend: true);
        plan[0].State = NotificationState.Sent;

        var wake = schedule.NextWake(plan);

        Assert.Equal(Now + TimeSpan.FromDays(89), wake);
        Assert.Equal(TimeSpan.FromDays(2), schedule.ReminderDueTime(wake!.Value));
    }

    [Fact]
    public void DueListsOnlyWhatHasFallenDueOldestFirst()
    {
        var schedule = Schedule();
        var plan = schedule.Plan(Booking(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(2)), canSend: true);
        plan[0].State = NotificationState.Sent;
        Assert.Null(schedule.NextDue(plan));

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(NotificationKind.AdvisorBio, schedule.NextDue(plan)?.Kind);
    }

    [Fact]
    public void InterruptedClaimIsDueAgainOnlyAfterTheSendTimeout()
    {
        var schedule = Schedule();
        var plan = schedule.Plan(Booking(TimeSpan.FromDays(3)), canSend: true);
        schedule.Claim(plan[0]);
        Assert.Null(schedule.NextDue(plan));

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Same(plan[0], schedule.NextDue(plan));
    }

    [Fact]
    public void TransientFailureRetriesLaterWithGrowingDelay()
    {
        var schedule = Schedule(o => o.RetryBaseDelay = TimeSpan.FromSeconds(10));
        var booking = Booking(TimeSpan.FromDays(3));
        var entry = schedule.Plan(booking, canSend: true)[0];

        schedule.Claim(entry);
        schedule.Apply(entry, new SendOutcome(SendResult.Transient, ErrorCode: 131056, ErrorText: "pair rate limit"), booking);
        var first = entry.NextAttemptAt!.Value - Now;
        schedule.Claim(entry);
        schedule.Apply(entry, new SendOutcome(SendResult.Transient, ErrorCode: 131056, ErrorText: "pair rate limit"), booking);
        var second = entry.NextAttemptAt!.Value - Now;

        Assert.Equal(NotificationState.Pending, entry.State);
        Assert.InRange(first, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        Assert.InRange(second, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        Assert.Contains("131056", entry.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryAfterFromMetaIsHonoured()
    {
        var delay = Schedule().RetryDelay(1, TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(5), delay);
    }

    [Fact]
    public void TransientFailureIsNotRetriedPastTheMeetingStart()
    {
        var schedule = Schedule(o => o.RetryBaseDelay = TimeSpan.FromMinutes(10));
        var booking = Booking(TimeSpan.FromMinutes(3));
        var entry = schedule.Plan(booking, canSend: true)[0];

        schedule.Claim(entry);
        schedule.Apply(entry, new SendOutcome(SendResult.Transient, ErrorCode: 130429, ErrorText: "throttled"), booking);

        Assert.Equal(NotificationState.Failed, entry.State);
    }

    [Fact]
    public void AttemptsAreBounded()
    {
        var schedule = Schedule(o => { o.MaxAttempts = 2; o.RetryBaseDelay = TimeSpan.FromSeconds(1); });
        var booking = Booking(TimeSpan.FromDays(3));
        var entry = schedule.Plan(booking, canSend: true)[0];
        var throttled = new SendOutcome(SendResult.Transient, ErrorCode: 130429, ErrorText: "throttled");

        schedule.Claim(entry);
        schedule.Apply(entry, throttled, booking);
        schedule.Claim(entry);
        schedule.Apply(entry, throttled, booking);

        Assert.Equal(NotificationState.Failed, entry.State);
        Assert.Equal(2, entry.Attempts);
    }

    [Fact]
    public void PermanentFailureIsFailedWithMetasCodeAndNeverRetried()
    {
        var schedule = Schedule();
        var booking = Booking(TimeSpan.FromDays(3));
        var entry = schedule.Plan(booking, canSend: true)[0];

        schedule.Claim(entry);
        schedule.Apply(entry, new SendOutcome(SendResult.Permanent, ErrorCode: 131026, ErrorText: "Message undeliverable"), booking);

        Assert.Equal(NotificationState.Failed, entry.State);
        Assert.Equal("131026: Message undeliverable", entry.LastError);
        Assert.Null(entry.NextAttemptAt);
    }

    [Fact]
    public void SentMessageRecordsItsIdAndLeavesTheSchedule()
    {
        var schedule = Schedule();
        var booking = Booking(TimeSpan.FromDays(3));
        var plan = schedule.Plan(booking, canSend: true);

        schedule.Claim(plan[0]);
        schedule.Apply(plan[0], SendOutcome.Accepted("wamid.1"), booking);

        Assert.Equal(NotificationState.Sent, plan[0].State);
        Assert.Equal("wamid.1", plan[0].MessageId);
        Assert.Equal(Now + TimeSpan.FromDays(2), schedule.NextWake(plan));
    }

    [Fact]
    public void WakeSoonerThanAPeriodUsesATimerBackedByAReminderOnePeriodOut()
    {
        var schedule = Schedule(o => o.ReminderPeriod = TimeSpan.FromMinutes(1));
        var plan = schedule.Plan(Booking(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(20)), canSend: true);
        plan[0].State = NotificationState.Sent;

        var wake = schedule.PlanWake(plan, notBefore: null, armedFor: null);

        Assert.Equal(TimeSpan.FromSeconds(20), wake.TimerIn);
        Assert.Equal(TimeSpan.FromMinutes(1), wake.ReminderDue);
    }

    [Fact]
    public void WakeFarAheadArmsOnlyTheCappedReminder()
    {
        var schedule = Schedule();
        var plan = schedule.Plan(Booking(TimeSpan.FromDays(30)), canSend: true);
        plan[0].State = NotificationState.Sent;

        var wake = schedule.PlanWake(plan, notBefore: null, armedFor: null);

        Assert.Null(wake.TimerIn);
        Assert.Equal(TimeSpan.FromDays(2), wake.ReminderDue);
    }

    [Fact]
    public void ReminderAlreadyArmedForThatTimeIsLeftAlone()
    {
        var schedule = Schedule();
        var plan = schedule.Plan(Booking(TimeSpan.FromDays(1) + TimeSpan.FromHours(5)), canSend: true);
        plan[0].State = NotificationState.Sent;

        var wake = schedule.PlanWake(plan, notBefore: null, armedFor: Now + TimeSpan.FromHours(5));

        Assert.Null(wake.ReminderDue);
        Assert.False(wake.Disarm);
    }

    [Fact]
    public void BusyRecipientPushesTheWakeToItsFreeSlot()
    {
        var schedule = Schedule();
        var plan = schedule.Plan(Booking(TimeSpan.FromDays(3)), canSend: true);

        var wake = schedule.PlanWake(plan, notBefore: Now + TimeSpan.FromSeconds(4), armedFor: null);

        Assert.Equal(TimeSpan.FromSeconds(4), wake.TimerIn);
    }

    [Fact]
    public void NothingLeftToSendDisarms()
    {
        var schedule = Schedule();
        var plan = schedule.Plan(Booking(TimeSpan.FromMinutes(-1)), canSend: true);

        Assert.True(schedule.PlanWake(plan, notBefore: null, armedFor: Now + TimeSpan.FromMinutes(1)).Disarm);
    }
}
