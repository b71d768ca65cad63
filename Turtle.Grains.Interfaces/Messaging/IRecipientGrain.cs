namespace Turtle.Grains.Messaging;

/// <summary>
/// One WhatsApp recipient, keyed by E.164 number: the opt-out flag and the per-number send spacing
/// (Meta refuses bursts to one number), shared by every booking that writes to it.
/// </summary>
public interface IRecipientGrain : IGrainWithStringKey
{
    /// <summary>
    /// Asks to send now. Granted when <see cref="SendSlot.NotBefore"/> is not in the future (the slot is then
    /// taken); otherwise nothing is reserved and the caller asks again at that time.
    /// </summary>
    Task<SendSlot> TryAcquireSendSlotAsync();

    /// <summary>STOP: nothing more is sent to this number.</summary>
    Task OptOutAsync();

    /// <summary>START: the number may receive messages again.</summary>
    Task OptInAsync();

    [AlwaysInterleave]
    Task<bool> IsOptedOutAsync();
}

[GenerateSerializer, Immutable, Alias("Turtle.SendSlot")]
public sealed record SendSlot([property: Id(0)] bool OptedOut, [property: Id(1)] DateTimeOffset NotBefore);
