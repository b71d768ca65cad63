using Turtle.Grains.Appointments;
using Turtle.Grains.Insights;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Insights;

/// <summary>SPEC §16's counts, kept as a scripted set of bookings, taps, statuses and no-shows happen on a real cluster.</summary>
[Collection(TurtleClusterGroup.Name)]
public class InsightCountTests(TurtleClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private static readonly FirmCalendar Firm = new("Asia/Kolkata");

    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    private IInsightQueryGrain Insight => fixture.Grains.GetGrain<IInsightQueryGrain>(0);

    /// <summary>A day of its own, years away, so no other test's bookings are counted with this one's.</summary>
    private static TimeSpan OwnDay(int sign) => TimeSpan.FromDays(sign * (800 + Random.Shared.Next(0, 30_000))) + TimeSpan.FromHours(1);

    private async Task<BookingDetails> BookAsync(TimeSpan startIn)
    {
        var booking = Bookings.New(startIn);
        await Grain(booking).BookAsync(booking);
        return booking;
    }

    private static AttendanceAnswer Tap(BookingDetails booking, AttendanceChoice choice) =>
        new(booking.Phone!, choice, "wamid." + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);

    private async Task<InsightReport> ReportWhenAsync(DateOnly day, Func<InsightReport, bool> done) =>
        await Eventually.ReadAsync(() => Insight.ReportAsync(day, day, null), done, Wait);

    [Fact]
    public async Task BookingsTapsCancelsAndStatusesAreCountedOnceOnTheirMeetingsDay()
    {
        var startIn = OwnDay(+1);
        var day = Firm.DayOf(DateTimeOffset.UtcNow + startIn);
        var attends = await BookAsync(startIn);
        var changesMind = await BookAsync(startIn);
        var declines = await BookAsync(startIn);
        var cancels = await BookAsync(startIn);

        Assert.True(await Grain(attends).AnswerAttendanceAsync(Tap(attends, AttendanceChoice.Attend)));
        Assert.True(await Grain(attends).AnswerAttendanceAsync(Tap(attends, AttendanceChoice.Attend)));
        Assert.True(await Grain(changesMind).AnswerAttendanceAsync(Tap(changesMind, AttendanceChoice.Attend)));
        Assert.True(await Grain(changesMind).AnswerAttendanceAsync(Tap(changesMind, AttendanceChoice.Decline)));
        Assert.True(await Grain(declines).AnswerAttendanceAsync(Tap(declines, AttendanceChoice.Decline)));
        await Grain(cancels).CancelAsync(Bookings.Cancel(cancels));
        var confirmation = (await Grain(attends).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        foreach (var status in new[] { DeliveryStatus.Delivered, DeliveryStatus.Read, DeliveryStatus.Read })
        {
            await Grain(attends).ApplyDeliveryStatusAsync(new DeliveryStatusUpdate { MessageId = confirmation.MessageId!, Status = status, At = DateTimeOffset.UtcNow });
        }

        var report = await ReportWhenAsync(day, r => r.Total is { Bookings: 4, Cancelled: 1, DeclineTaps: 2 }
            && r.Total.Messages.GetValueOrDefault(NotificationKind.Confirmation)?.Read == 1
            && r.Total.Messages.GetValueOrDefault(NotificationKind.RescheduleOffer)?.Sent == 2
            && r.Total.Messages.GetValueOrDefault(NotificationKind.Cancellation)?.Sent == 1);

        var total = report.Total;
        Assert.Equal((4, 1, 0, 2, 2, 0, 0, 0), (total.Bookings, total.Cancelled, total.Rescheduled, total.AttendTaps, total.DeclineTaps, total.NoShows, total.HeldOrMissed, total.ReconfirmsDelivered));
        var confirmations = total.Messages[NotificationKind.Confirmation];
        Assert.Equal((4, 1, 1, 0), (confirmations.Sent, confirmations.Delivered, confirmations.Read, confirmations.Failed));
        Assert.Equal(4, confirmations.Lateness.Sum());
        Assert.Equal(2, total.Messages[NotificationKind.RescheduleOffer].Sent);
        Assert.Equal(1, total.Messages[NotificationKind.Cancellation].Sent);
        Assert.Equal(1.0, total.ReadRate);
        Assert.Null(total.ConfirmationRate);
        var advisor = Assert.Single(report.Advisors);
        Assert.Equal((TurtleClusterFixture.AdvisorEmail, "Priya Sharma", 4), (advisor.Email, advisor.Name, advisor.Counts.Bookings));
        var week = Assert.Single(report.Weeks);
        Assert.Equal(DayOfWeek.Monday, week.WeekStart.DayOfWeek);
        Assert.Equal(4, week.Counts.Bookings);
        Assert.Equal(0, (await Insight.ReportAsync(day, day, "someone.else@turtle.example")).Total.Bookings);
    }

    [Fact]
    public async Task NoShowRateCountsMeetingsThatEndedAndAMarkTakenBackIsNotANoShow()
    {
        var startIn = OwnDay(-1);
        var day = Firm.DayOf(DateTimeOffset.UtcNow + startIn);
        var missed = await BookAsync(startIn);
        var markedThenUnmarked = await BookAsync(startIn);
        await BookAsync(startIn);

        await Grain(missed).MarkNoShowAsync(new NoShowMark { InviteeId = missed.InviteeId, NoShow = true, At = DateTimeOffset.UtcNow });
        await Grain(markedThenUnmarked).MarkNoShowAsync(new NoShowMark { InviteeId = markedThenUnmarked.InviteeId, NoShow = true, At = DateTimeOffset.UtcNow });
        await Grain(markedThenUnmarked).MarkNoShowAsync(new NoShowMark { InviteeId = markedThenUnmarked.InviteeId, NoShow = false, At = DateTimeOffset.UtcNow });

        var report = await ReportWhenAsync(day, r => r.Total is { Bookings: 3, NoShows: 1 });

        Assert.Equal((3, 1, 3), (report.Total.Bookings, report.Total.NoShows, report.Total.HeldOrMissed));
        Assert.Equal(1.0 / 3, report.Total.NoShowRate);
    }

    [Fact]
    public async Task ADayKeepsEachBookingsLatestTallyAndSaysWhenItIsStored()
    {
        var day = fixture.Grains.GetGrain<IInsightDayGrain>($"test-{Guid.NewGuid():N}");
        var first = new BookingTally { Advisor = "a@turtle.example", Marks = TallyMarks.AttendTap, End = DateTimeOffset.UtcNow.AddDays(1) };
        var later = first with { Marks = TallyMarks.DeclineTap };

        Assert.False(await day.TallyAsync("b1", first));
        Assert.False(await day.TallyAsync("b1", later));
        var stored = await Eventually.ReadAsync(() => day.TallyAsync("b1", later), s => s, Wait);
        var counts = Assert.Single(await day.CountAsync()).Counts;

        Assert.True(stored);
        Assert.Equal((1, 0, 1), (counts.Bookings, counts.AttendTaps, counts.DeclineTaps));
        Assert.False(await day.TallyAsync("b1", first));
    }

    [Fact]
    public void LatenessP95IsTheBucketBoundUnderWhich95PercentWent()
    {
        var counts = new MessageCounts();
        for (var i = 0; i < 95; i++)
        {
            counts.Add(new MessageTally(NotificationKind.Reminder, MessageProgress.Sent, 400));
        }
        for (var i = 0; i < 5; i++)
        {
            counts.Add(new MessageTally(NotificationKind.Reminder, MessageProgress.Sent, 90_000));
        }

        Assert.Equal(0.5, counts.LatenessP95);
        counts.Add(new MessageTally(NotificationKind.Reminder, MessageProgress.Sent, 90_000));
        Assert.Equal(120, counts.LatenessP95);
        Assert.Null(new MessageCounts().LatenessP95);
    }
}
