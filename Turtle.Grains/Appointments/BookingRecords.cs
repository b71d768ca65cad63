using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments;

/// <summary>
/// A booking's own records: its history (what happened, when, by whom) and the client's replies. Both are capped, oldest
/// dropped first, and every text is cut, so a chatty client or a long error cannot grow the state past what one table
/// row holds (Orleans' Azure Table provider: 15 properties of 64 KiB).
/// </summary>
public static class BookingRecords
{
    /// <summary>History lines kept per booking.</summary>
    public const int HistoryCapacity = 100;

    /// <summary>Client replies kept per booking.</summary>
    public const int ReplyCapacity = 50;

    /// <summary>Longest text of one history line (error texts and cancel reasons come from outside).</summary>
    public const int MaxHistoryText = 300;

    public static void Record(AppointmentState state, DateTimeOffset at, string by, string what)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.History.Add(new HistoryEntry(at, Cut(what, MaxHistoryText), by));
        DropOldest(state.History, HistoryCapacity);
    }

    public static void Cancelled(AppointmentState state, CancellationDetails cancellation, bool wasBooked, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(cancellation);
        var what = (cancellation.Rescheduled ? "cancelled for a reschedule" : "cancelled")
            + (cancellation.Reason is { } reason ? $": {reason}" : "") + (wasBooked ? "" : " (before it was booked)");
        Record(state, at, cancellation.Booking.Source, what);
    }

    /// <summary>What became of a message, once it is final (sent, failed, skipped, opted out); a retry waiting is not.</summary>
    public static void RecordMessage(AppointmentState state, Notification entry, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var outcome = entry.State switch
        {
            NotificationState.Sent => "sent",
            NotificationState.DryRun => "written to the outbox (dry run)",
            NotificationState.Failed => $"failed: {entry.LastError}",
            NotificationState.Skipped => $"skipped: {entry.LastError}",
            NotificationState.OptedOut => "not sent: the number opted out (STOP)",
            _ => null,
        };
        if (outcome is not null)
        {
            var label = entry.LeadTime is { } lead ? $"{entry.Kind} ({lead} before)" : entry.Kind.ToString();
            Record(state, at, entry.Trigger ?? BookingSources.Reminder, $"{label} {outcome}");
        }
    }

    /// <summary>Adds the reply unless it is already recorded (Meta delivers again what was not answered 2xx).</summary>
    /// <returns>False for a redelivery.</returns>
    public static bool AddReply(AppointmentState state, ClientReply reply)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.MessageId is { } id && state.Replies.Any(r => r.MessageId == id))
        {
            return false;
        }
        state.Replies.Add(reply with { Text = Cut(reply.Text, ClientReply.MaxLength) });
        DropOldest(state.Replies, ReplyCapacity);
        return true;
    }

    /// <summary>At most <paramref name="max"/> characters, ending in an ellipsis when cut.</summary>
    public static string Cut(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    private static void DropOldest<T>(List<T> list, int capacity)
    {
        if (list.Count > capacity)
        {
            list.RemoveRange(0, list.Count - capacity);
        }
    }
}
