namespace Turtle.Grains.Appointments;

/// <summary>Who or what changed a booking, as its history names it (SPEC §4: webhook, reminder, reconcile, console).</summary>
public static class BookingSources
{
    public const string Webhook = "webhook";
    public const string Reminder = "reminder";
    public const string Reconcile = "reconcile";
    public const string Console = "console";
    public const string ClientReply = "client-reply";
}
