using Turtle.Grains.Appointments;

namespace Turtle.Grains.Delivery;

/// <summary>
/// Meta's statuses arrive out of order and repeated: a message only moves forward (sent → delivered → read), and a
/// failure never replaces a delivery that already happened. A status names its message by Meta's message id; the kind
/// its callback data carries finds a message whose answer (and so its id) never came.
/// </summary>
public static class DeliveryProgress
{
    /// <summary>The message the status is about: the one Meta answered with its id, else none.</summary>
    public static Notification? Find(IEnumerable<Notification> notifications, DeliveryStatusUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return notifications.FirstOrDefault(n => n.MessageId == update.MessageId && (update.Kind is not { } kind || n.Kind == kind));
    }

    /// <summary>Moves the message forward by the status; false when it would move it backwards or not at all.</summary>
    public static bool Apply(Notification entry, DeliveryStatusUpdate update)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(update);
        if (!Advances(entry.DeliveryStatus, update.Status))
        {
            return false;
        }
        entry.DeliveryStatus = update.Status;
        switch (update.Status)
        {
            case DeliveryStatus.Delivered:
                entry.DeliveredAt = update.At;
                break;
            case DeliveryStatus.Read:
                // A read receipt can overtake its delivery receipt: reading implies delivery.
                entry.DeliveredAt ??= update.At;
                entry.ReadAt = update.At;
                break;
        }
        return true;
    }

    /// <summary>
    /// A status about a message this holder claimed and never heard back on (its silo died after Meta took it, or the
    /// request timed out): its callback data names the kind; without it, the holder's only such message is the one. It is recorded as sent, with the id the status gives, and
    /// is not sent again when its claim runs out. A message cancelled while its answer was awaited is recorded as sent
    /// too: it was.
    /// </summary>
    /// <returns>The message recorded as sent, or null when the status is about none waiting for its answer.</returns>
    public static Notification? AdoptUnanswered(IEnumerable<Notification> notifications, DeliveryStatusUpdate update)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        ArgumentNullException.ThrowIfNull(update);
        var entries = notifications.ToList();
        if (update.Status == DeliveryStatus.None || entries.Any(n => n.MessageId == update.MessageId))
        {
            return null;
        }
        var unanswered = entries
            .Where(n => (update.Kind is not { } kind || n.Kind == kind) && n.MessageId is null && n.ClaimedAt is not null
                && n.State is NotificationState.Sending or NotificationState.Cancelled)
            .ToList();
        // Without callback data (Meta does not promise it on a failed status) only a lone unanswered send can be the one.
        var entry = update.Kind is null ? (unanswered.Count == 1 ? unanswered[0] : null) : unanswered.MinBy(n => n.ClaimedAt);
        if (entry is null)
        {
            return null;
        }
        entry.State = NotificationState.Sent;
        entry.MessageId = update.MessageId;
        entry.SentAt = update.At;
        entry.ClaimedAt = null;
        entry.LastError = "recorded as sent from Meta's status, which came before the answer to its request (a stall, or a silo that died)";
        return entry;
    }

    public static bool Advances(DeliveryStatus current, DeliveryStatus next) => next switch
    {
        DeliveryStatus.None => false,
        DeliveryStatus.Failed => current is DeliveryStatus.None or DeliveryStatus.Sent,
        _ => current != DeliveryStatus.Failed && Rank(next) > Rank(current),
    };

    private static int Rank(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => 1,
        DeliveryStatus.Delivered => 2,
        DeliveryStatus.Read => 3,
        _ => 0,
    };
}
