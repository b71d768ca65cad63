namespace Turtle.Grains.Messaging;

/// <summary>
/// One WhatsApp recipient, keyed by E.164 number: the opt-out flag and the per-number send spacing
/// (Meta refuses bursts to one number), shared by every booking that writes to it.
/// </summary>
public interface IRecipientGrain : IGrainWithStringKey
{
    /// <summary>Reserves the next send slot: when it may go out, or that the number has opted out.</summary>
    Task<SendSlot> ReserveSendSlotAsync();

    /// <summary>STOP: nothing more is sent to this number.</summary>
    Task OptOutAsync();

    /// <summary>START: the number may receive messages again.</summary>
    Task OptInAsync();

    [AlwaysInterleave]
    Task<bool> IsOptedOutAsync();
}

[GenerateSerializer, Immutable, Alias("Turtle.SendSlot")]
public sealed record SendSlot([property: Id(0)] bool OptedOut, [property: Id(1)] DateTimeOffset NotBefore);
