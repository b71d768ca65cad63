namespace Turtle.Grains.Messaging;

/// <summary>
/// One WhatsApp recipient, keyed by E.164 number: the opt-out flag and the per-number send spacing
/// (Meta refuses bursts to one number), shared by every booking that writes to it.
/// </summary>
public interface IRecipientGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves the number's next send slot: now when it is free, else the first time after the slots already reserved,
    /// so messages waiting for one number go out in turn, and a busy number never holds back another.
    /// </summary>
    /// <param name="holder">
    /// Who waits for a later slot (a booking's id): asking again answers the same slot, until its time has come, when the
    /// slot is handed over to be used. So a sender whose activation went while it waited keeps its place in a long queue.
    /// A slot handed over is never closer than the spacing to the one before, even for a holder back late.
    /// </param>
    Task<SendSlot> ReserveSendSlotAsync(string holder);

    /// <summary>STOP: nothing more is sent to this number.</summary>
    Task OptOutAsync();

    /// <summary>START: the number may receive messages again.</summary>
    Task OptInAsync();

    /// <summary>
    /// Meta answered a send to this number with another WhatsApp id (<c>wa_id</c>): a STOP or START from that id applies
    /// to this number too.
    /// </summary>
    Task KnownAsAsync(string waId);

    /// <summary>
    /// The booking a message from this number belongs to (SPEC §5: the newest booking of the number whose meeting has not
    /// ended, else the latest), or null when the number has none. A WhatsApp id that stands for another number answers
    /// for that number. Only asks: the caller records the reply with the booking, so no call waits on a busy booking.
    /// </summary>
    Task<string?> BookingForReplyAsync();

    /// <summary>
    /// Meta accepted a message to this number with <paramref name="messageId"/>, sent by <paramref name="holder"/>
    /// (<see cref="Appointments.MessageHolder"/>): a status naming only the id finds its holder here. Memory only.
    /// </summary>
    [OneWay]
    Task SentAsync(string messageId, string holder);

    /// <summary>
    /// Who may hold the message Meta knows by <paramref name="messageId"/>: its sender, when this activation saw the send,
    /// else whoever took a send slot for the number lately (newest first: a new booking whose send was never answered is
    /// listed as the number's only after its first write), then every booking of the number (each checks the id against
    /// its own messages). Only asks, like
    /// <see cref="BookingForReplyAsync"/>: the caller applies the status, so no call waits on a busy booking.
    /// </summary>
    Task<IReadOnlyList<string>> HoldersOfAsync(string messageId);

    /// <summary>A booking of this number was stored: one this activation already looked up is counted from now on.</summary>
    [OneWay]
    Task BookedAsync(string appointmentId);

    /// <summary>
    /// Every booking of this number: those the client's record names (complete and stored, however old) and those stored
    /// since this activation began (a booking whose opt-in has not reached the record yet, a second after it was stored).
    /// </summary>
    Task<IReadOnlyList<string>> AllBookingsAsync();

    /// <summary>
    /// The client was erased: what this activation remembers of the number goes, and an opt-out is kept as the number's
    /// hash only (it stays silenced). Whether the number had opted out.
    /// </summary>
    Task<bool> ForgetAsync();
}

/// <summary>The reserved slot (<see cref="At"/>, now or later), or that the number opted out and gets nothing.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.SendSlot")]
public sealed record SendSlot([property: Id(0)] bool OptedOut, [property: Id(1)] DateTimeOffset At)
{
    /// <summary>
    /// A slot this close is taken now: the recipient grain's clock (another silo's, perhaps) read it a moment ago, and its
    /// spacing carries a second of slack for exactly that.
    /// </summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(250);

    /// <summary>The message waits for this slot, unclaimed (another message went to the number moments ago).</summary>
    public bool IsLaterThan(DateTimeOffset now) => !OptedOut && At - now > Tolerance;
}
