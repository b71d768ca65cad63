using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Insights;

/// <summary>A booking's tally (SPEC §16), read off its stored state: what happened to it is what its state says happened.</summary>
public static class BookingTallies
{
    /// <summary>The tally of a stored booking; null before any event for it arrived.</summary>
    public static BookingTally? Of(AppointmentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Details is not { } booking || state.Status == AppointmentStatus.Unknown)
        {
            return null;
        }
        var marks = state.Status switch
        {
            AppointmentStatus.Cancelled => TallyMarks.Cancelled,
            AppointmentStatus.Rescheduled => TallyMarks.Rescheduled,
            _ => TallyMarks.None,
        };
        // The taps the client made; an answer stored before taps were kept still shows in the attendance it set.
        var taps = state.Taps | state.Attendance switch
        {
            Attendance.Confirmed => AttendanceTaps.Attend,
            Attendance.Declined => AttendanceTaps.Decline,
            _ => AttendanceTaps.None,
        };
        marks |= taps.HasFlag(AttendanceTaps.Attend) ? TallyMarks.AttendTap : 0;
        marks |= taps.HasFlag(AttendanceTaps.Decline) ? TallyMarks.DeclineTap : 0;
        marks |= state.CancelRequestedAt is not null ? TallyMarks.CancelTap : 0;
        marks |= state.Attendance == Attendance.NoShow ? TallyMarks.NoShow : 0;
        marks |= state.Notifications.Exists(n => n is { Kind: NotificationKind.Reconfirm, DeliveredAt: not null }) ? TallyMarks.ReconfirmDelivered : 0;
        marks |= state.Notifications.Exists(n => n is { Kind: NotificationKind.FollowUp, State: NotificationState.Sent }) ? TallyMarks.FollowUpSent : 0;
        return new BookingTally
        {
            Advisor = state.Advisor is { } advisor ? AdvisorAssignmentRules.NormalizeEmail(advisor.Email) : "",
            AdvisorName = state.Advisor?.Name,
            Marks = marks,
            End = booking.EndTime,
            Messages = [.. state.Notifications.Where(Counts).Select(Of)],
        };
    }

    /// <summary>The firm's day (<c>yyyy-MM-dd</c>) whose counts hold a meeting starting at <paramref name="start"/>: the key of its <see cref="IInsightDayGrain"/>.</summary>
    public static string DayKey(FirmCalendar firm, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(firm);
        return DayKey(firm.DayOf(start));
    }

    public static string DayKey(DateOnly day) => InsightDays.Key(day);

    /// <summary>Messages that went, or were meant to go and did not: the ones cancelled or skipped before their time never counted.</summary>
    private static bool Counts(Notification n) =>
        n.State is NotificationState.Sent or NotificationState.Failed || n.FailedAt is not null;

    private static MessageTally Of(Notification n)
    {
        var progress = MessageProgress.None;
        progress |= n.State == NotificationState.Sent ? MessageProgress.Sent : 0;
        progress |= n.DeliveredAt is not null ? MessageProgress.Delivered : 0;
        progress |= n.ReadAt is not null ? MessageProgress.Read : 0;
        progress |= n.IsFailed ? MessageProgress.Failed : 0;
        // A message a person sent again is late by their choice, not the system's (as the lateness metric counts it).
        int? lateness = n is { State: NotificationState.Sent, SentAt: { } sent, RetriedAt: null }
            ? (int)Math.Clamp((sent - n.DueAt).TotalMilliseconds, 0, int.MaxValue)
            : null;
        return new MessageTally(n.Kind, progress, lateness);
    }
}
