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
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The time as stored and hashed: UTC, round-trip text (the table keeps it as text, to the tick).</summary>
    public static string FormatTime(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The first entry of a client's chain (in stored order) that does not hold, or null when all do.</summary>
    public static ChainBreak? Verify(IEnumerable<StoredRecordEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string? previous = null;
        foreach (var stored in entries)
        {
            if (stored.PreviousHash != (previous ?? Start))
            {
                return new ChainBreak(stored, previous is null
                    ? "it is the first entry kept but names a previous one: an earlier entry was removed"
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

/// <summary>Where a client's chain breaks, and why.</summary>
public sealed record ChainBreak(StoredRecordEntry At, string Reason)
{
    public string Describe() => $"{PhoneMask.Mask(At.Client)} entry {At.RowKey} ({At.Entry.Id}): {Reason}";
}
