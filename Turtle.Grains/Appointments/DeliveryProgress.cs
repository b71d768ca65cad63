namespace Turtle.Grains.Appointments;

/// <summary>
/// Meta's statuses arrive out of order and repeated: a message only moves forward
/// (sent → delivered → read), and a failure never replaces a delivery that already happened.
/// </summary>
public static class DeliveryProgress
{
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
