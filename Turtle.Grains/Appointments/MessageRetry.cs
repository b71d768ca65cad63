using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments;

/// <summary>
/// Whether a person may have a failed message sent again (SPEC §4), and what that does to it: it becomes due now and
/// goes out through the dispatcher like any other, so a retry is claimed before it is sent and two retries send once.
/// </summary>
public static class MessageRetry
{
    /// <summary>The failed message of <paramref name="kind"/> to send again (the latest due, when several are), or why none may be.</summary>
    public static (Notification? Entry, RetryResult? Refusal) Decide(AppointmentState booking, NotificationKind kind, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var name = kind.ToString();
        if (booking.Details is not { } details)
        {
            return (null, new RetryResult(RetryOutcome.NotFound, "no booking is stored under this id"));
        }
        var entry = booking.Notifications.Where(n => n.Kind == kind && n.IsFailed).MaxBy(n => n.DueAt);
        if (entry is null)
        {
            var state = booking.Notifications.LastOrDefault(n => n.Kind == kind)?.State.ToString().ToLowerInvariant();
            return (null, new RetryResult(RetryOutcome.NotFailed, state is null ? $"the booking has no {name} message" : $"the {name} message is not failed (it is {state})"));
        }
        var rule = MessageKinds.Of(kind);
        var ended = booking.EndedBy();
        if (ended is { } happened && rule.CancelledBy.Contains(happened))
        {
            return (null, new RetryResult(RetryOutcome.BookingCancelled, $"the booking was cancelled, which withdrew its {name} message"));
        }
        if (rule.SendUntil == SendUntil.MeetingStart && details.StartTime <= now)
        {
            return (null, new RetryResult(RetryOutcome.MeetingStarted, $"the meeting has started; a {name} message goes only before it"));
        }
        return (entry, null);
    }

    /// <summary>Makes the failed message due now, as a new message: Meta's earlier answer and statuses no longer apply to it.</summary>
    public static void Requeue(Notification entry, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.State = NotificationState.Pending;
        entry.NextAttemptAt = now;
        entry.ClaimedAt = null;
        entry.MessageId = null;
        entry.MetaStatus = null;
        entry.DeliveryStatus = DeliveryStatus.None;
        entry.SentAt = null;
        entry.DeliveredAt = null;
        entry.ReadAt = null;
        entry.RetriedAt = now;
        entry.RetriedBy = by;
        // Its outcome is recorded in the history as caused by whoever asked.
        entry.Trigger = by;
    }
}
