using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Turtle.Grains.Records;

/// <summary>
/// The hash chain of a client's record: each entry's hash is SHA-256 over the previous entry's hash and the entry's own
/// content written in one fixed form, so an entry edited, removed or reordered in the table no longer matches.
/// </summary>
public static class RecordChain
{
    /// <summary>The previous hash of a client's first entry.</summary>
    public const string Start = "";

    /// <summary>Lowercase hex SHA-256 of <paramref name="previousHash"/> and the entry's content.</summary>
    public static string Hash(string previousHash, RecordEntry entry)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + "\n" + Canonical(entry))));
    }

    /// <summary>
    /// The entry as hashed: every field in a fixed order, the time as UTC text to the tick, so the bytes depend on the
    /// content alone (not on how a serializer or the table happens to write it).
    /// </summary>
    public static string Canonical(RecordEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStringValue(entry.Id);
            json.WriteStringValue(FormatTime(entry.At));
            foreach (var text in new[] { entry.Direction, entry.Kind, entry.Text, entry.Template, entry.Language, entry.Category })
            {
                json.WriteStringValue(text);
            }
            json.WriteStartArray();
            foreach (var parameter in entry.Parameters)
            {
                json.WriteStringValue(parameter);
            }
            json.WriteEndArray();
            json.WriteStringValue(entry.MessageId);
            json.WriteStringValue(entry.Status);
            if (entry.ErrorCode is { } code)
            {
                json.WriteNumberValue(code);
            }
            else
            {
                json.WriteNullValue();
            }
            foreach (var text in new[] { entry.ErrorText, entry.Actor, entry.From, entry.AppointmentId })
            {
                json.WriteStringValue(text);
            }
            // Fields added later are written only when set, so the hashes of entries stored before them still hold.
            if (entry.ActorKind is { } actorKind)
            {
                json.WriteStringValue(actorKind);
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The time as stored and hashed: UTC, round-trip text (the table keeps it as text, to the tick).</summary>
    public static string FormatTime(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The first entry of a client's chain (in stored order) that does not hold, or null when all do.</summary>
    /// <param name="entries">The client's entries in stored order.</param>
    /// <param name="cut">
    /// Where the retention sweep cut the chain, if it did: entries up to the cut are expired (a sweep that stopped midway
    /// left them; the next one deletes them) and the first entry after it must name the last entry swept.
    /// </param>
    public static ChainBreak? Verify(IEnumerable<StoredRecordEntry> entries, RetentionCut? cut = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string? previous = cut?.Hash;
        foreach (var stored in entries)
        {
            if (cut is not null && string.CompareOrdinal(stored.RowKey, cut.Through) <= 0)
            {
                continue;
            }
            if (stored.PreviousHash != (previous ?? Start))
            {
                return new ChainBreak(stored, previous is null
                    ? "it is the first entry kept but names a previous one: an earlier entry was removed"
                    : previous == cut?.Hash
                        ? "its previous hash is not the last entry the retention sweep deleted: an entry was removed, inserted or edited"
                        : "its previous hash does not match the entry before it: an entry was removed, inserted or edited");
            }
            if (Hash(stored.PreviousHash, stored.Entry) != stored.Hash)
            {
                return new ChainBreak(stored, "its content does not match its hash: it was edited");
            }
            previous = stored.Hash;
        }
        return null;
    }
}

/// <summary>An entry as the table holds it: its place in the client's partition and its links in the chain.</summary>
public sealed record StoredRecordEntry(string Client, string RowKey, RecordEntry Entry, string PreviousHash, string Hash);

/// <summary>
/// The retention sweep's mark in a client's partition: entries up to row key <see cref="Through"/> were deleted as
/// expired, and <see cref="Hash"/> is the hash of the last of them, which the first entry kept names as its previous.
/// </summary>
public sealed record RetentionCut(string Through, string Hash);

/// <summary>A client's partition as read: the retention cut, if any, and the entries kept, in chain order.</summary>
public sealed record ClientChain(string Client, RetentionCut? Cut, List<StoredRecordEntry> Entries);

/// <summary>Where a client's chain breaks, and why.</summary>
public sealed record ChainBreak(StoredRecordEntry At, string Reason)
{
    public string Describe() => $"{PhoneMask.Mask(At.Client)} entry {At.RowKey} ({At.Entry.Id}): {Reason}";
}
