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
                break;
        }
        return true;
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
