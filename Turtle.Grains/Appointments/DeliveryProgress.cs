using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments;

/// <summary>
/// Meta's statuses arrive out of order and repeated: a message only moves forward
/// (sent → delivered → read), and a failure never replaces a delivery that already happened.
/// </summary>
public static class DeliveryProgress
{
    /// <summary>Applies a status to the message it is about; false when it is about none or would move it backwards.</summary>
    public static bool Apply(IEnumerable<Notification> notifications, DeliveryStatusUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var entry = notifications.FirstOrDefault(n => n.MessageId == update.MessageId && n.Kind == update.Kind);
        if (entry is null || !Advances(entry.DeliveryStatus, update.Status))
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
            case DeliveryStatus.Failed:
                entry.LastError = $"{update.ErrorCode}: {update.ErrorText}";
                entry.FailedAt = update.At;
                break;
        }
        return true;
    }

    /// <summary>
    /// A status about a message this booking claimed and never heard back on (its silo died after Meta took it, or the
    /// request timed out): Meta's statuses carry the callback data the message was sent with, so the status names the
    /// message. It is recorded as sent, with the id the status gives, and is not sent again when its claim runs out.
    /// A message cancelled while its answer was awaited is recorded as sent too: it was.
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
        var entry = entries
            .Where(n => n.Kind == update.Kind && n.MessageId is null && n.ClaimedAt is not null
                && n.State is NotificationState.Sending or NotificationState.Cancelled)
            .MinBy(n => n.ClaimedAt);
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
