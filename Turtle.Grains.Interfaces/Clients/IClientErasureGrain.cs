using System.Security.Cryptography;
using System.Text;

namespace Turtle.Grains.Clients;

/// <summary>
/// One client's erasure (SPEC §13), keyed by <see cref="ClientHash.Of"/> of the client's number, never the number itself,
/// so what it keeps after the work is done names no one. Its progress is stored before each step and a reminder carries
/// it on after a silo's death; asking again while it runs joins it, and asking after it finished erases whatever the
/// number gained since (a later booking), which is how repeating it is safe.
/// </summary>
public interface IClientErasureGrain : IGrainWithStringKey
{
    /// <summary>Erases the client of <paramref name="phone"/> (E.164), asked by <paramref name="by"/>; <see cref="ErasureResult.Found"/> is false for a number Turtle never knew, and then nothing changed.</summary>
    Task<ErasureResult> EraseAsync(string phone, string by);
}

/// <summary>What an erasure did.</summary>
/// <param name="Found">The number was known: bookings, a record, an opt-out, or an earlier erasure.</param>
/// <param name="Bookings">Bookings whose personal data was removed (this time).</param>
/// <param name="OptedOut">The number had opted out: it stays silenced, kept as a hash.</param>
/// <param name="RecordKept">The record's entries were kept for the regulator (<c>Records:KeepForRegulator</c>), with the erasure appended; false: deleted.</param>
/// <param name="RecordEntries">Entries kept, or deleted.</param>
/// <param name="ErasedAt">When this erasure finished.</param>
[GenerateSerializer, Immutable, Alias("Turtle.ErasureResult")]
public sealed record ErasureResult(
    [property: Id(0)] bool Found,
    [property: Id(1)] int Bookings,
    [property: Id(2)] bool OptedOut,
    [property: Id(3)] bool RecordKept,
    [property: Id(4)] int RecordEntries,
    [property: Id(5)] DateTimeOffset? ErasedAt)
{
    public static readonly ErasureResult Unknown = new(false, 0, false, false, 0, null);
}

/// <summary>A number as Turtle keeps it once it must no longer hold it: lowercase hex SHA-256 of its E.164 text.</summary>
public static class ClientHash
{
    public static string Of(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(phone)));
    }
}
