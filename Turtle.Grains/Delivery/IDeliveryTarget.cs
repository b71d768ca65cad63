using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Delivery;

/// <summary>
/// What differs between the holders of messages (a booking, an advisor's agenda of a day) for
/// <see cref="MessageDispatcher"/>: whose messages they are, where each goes and what it says, until when a retry may
/// come, and what the holder records and owes around a send. The steps themselves are the dispatcher's.
/// </summary>
public interface IDeliveryTarget
{
    /// <summary>
    /// Names the holder in logs and to Meta's statuses (<see cref="Appointments.MessageHolder"/>: what its messages' callback
    /// data carry); holds its numbers' send slots.
    /// </summary>
    string Holder { get; }

    /// <summary>The holder's messages, updated in place by the dispatcher.</summary>
    IReadOnlyList<Notification> Messages { get; }

    /// <summary>A booking's first write is its caller's (it records what went out with it); an agenda's is its first claim.</summary>
    FirstWrite FirstWrite { get; }

    /// <summary>The gate and the recipient of a due message: where it goes, or why it waits or never goes.</summary>
    Task<Address> AddressAsync(Notification entry);

    /// <summary>Until when a retry of <paramref name="entry"/> may still come; null: no limit but the attempts.</summary>
    Deadline? SendBy(Notification entry);

    /// <summary>Records something that happened to a message in the holder's own history, if it keeps one.</summary>
    void Note(Notification entry, DateTimeOffset now, string what);

    /// <summary>Records a final outcome in the holder's own history, if it keeps one.</summary>
    void Recorded(Notification entry, DateTimeOffset now);

    /// <summary>Meta answered with a WhatsApp id other than the number (Brazil, Mexico): replies and STOP come from it.</summary>
    Task KnownAsAsync(Notification entry, string number, string waId);

    /// <summary>Brings what is derived from the holder's state up to date before each write.</summary>
    void BeforeWrite();

    /// <summary>The state was written: what it carries for the client's record may be flushed there now.</summary>
    void Written();

    /// <summary>
    /// An attempt is claimed, as it will go: the holder enters it for the client's record, so the claim's write (or a new
    /// booking's first write) carries it before, or with, the outcome of the send.
    /// </summary>
    void Claiming(Notification entry, RenderedMessage message, string? category);

    /// <summary>Meta's answer to the attempt, or Meta's status about a message whose answer never came.</summary>
    void Answered(Notification entry, SendOutcome outcome);

    /// <summary>One of Meta's statuses changed a message: an entry of its own for the client's record.</summary>
    void StatusApplied(Notification entry, DeliveryStatusUpdate update);

    /// <summary>What the holder owes others once its due messages went (a booking tells its attention list and index).</summary>
    /// <returns>False when some of it could not be done: the holder wakes again shortly to do it.</returns>
    Task<bool> SettleAsync();

    /// <summary>What the holder's next wake-up is for, as <see cref="WakePolicy"/> reads it.</summary>
    WakeNeeds Needs();
}

/// <summary>Who writes a holder's state first: until then a claim or an outcome is kept in memory.</summary>
public enum FirstWrite
{
    /// <summary>The call that creates the holder writes it once its first messages went (a booking: two writes, not four).</summary>
    ByCaller,
    /// <summary>The first claim writes it, before its request goes out.</summary>
    AtClaim,
}

/// <summary>Where a due message goes, or why it does not go now.</summary>
public sealed record Address
{
    /// <summary>The gate gave the message a later attempt (<see cref="Notification.NextAttemptAt"/>): nothing goes now.</summary>
    public static Address Later { get; } = new();

    /// <summary>The E.164 number it goes to; null when it does not go now.</summary>
    public string? Number { get; private init; }

    /// <summary>Why it will never go.</summary>
    public string? SkipReason { get; private init; }

    /// <summary>The message as sent, composed when it is claimed (what it lists is stored with the claim).</summary>
    public Func<OutgoingMessage>? Compose { get; private init; }

    public static Address Skip(string reason) => new() { SkipReason = reason };

    public static Address To(string number, Func<OutgoingMessage> compose) => new() { Number = number, Compose = compose };
}
