namespace Turtle.Grains.Messaging;

/// <summary>
/// The numbers that sent STOP, in 100 shards keyed by a number's last two digits. Opt-outs are few, so keeping
/// them together spares every new number a storage read of its own; a shard is read once and then kept.
/// </summary>
public interface IOptOutListGrain : IGrainWithStringKey
{
    [AlwaysInterleave]
    Task<bool> ContainsAsync(string phone);

    /// <summary>Adds (STOP) or removes (START) a number; persisted before it returns.</summary>
    Task SetAsync(string phone, bool optedOut);

    /// <summary>Records that Meta knows <paramref name="phone"/> as <paramref name="waId"/> (kept in the wa_id's shard).</summary>
    Task LinkAsync(string waId, string phone);

    /// <summary>The number a WhatsApp id stands for, when Meta said it differs.</summary>
    [AlwaysInterleave]
    Task<string?> PhoneOfAsync(string waId);

    /// <summary>
    /// Forgets <paramref name="phone"/> (an erased client): an opt-out is kept as the number's SHA-256 only, so
    /// <see cref="ContainsAsync"/> still answers true for it; a link naming it goes. Whether it had opted out.
    /// </summary>
    Task<bool> ForgetAsync(string phone);
}

public static class OptOutList
{
    /// <summary>The shard holding <paramref name="phone"/> (E.164): its last two digits.</summary>
    public static string ShardOf(string phone) => phone.Length >= 2 ? phone[^2..] : phone.PadLeft(2, '0');
}
