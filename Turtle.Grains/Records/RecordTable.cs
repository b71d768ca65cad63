using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;

namespace Turtle.Grains.Records;

/// <summary>
/// The firm's record in one Azure Table, <c>TurtleRecord</c>, in the account that holds everything else. A client's
/// entries are one partition (their E.164 number), each row keyed <c>yyyyMMdd.sequence</c> (the UTC day it was appended,
/// then its place in the chain): the partition reads back in chain order, and a client's entries of one day are one
/// range of row keys. Beside them, partition <c>day.yyyyMMdd</c> lists (one row each) the clients with entries appended
/// that day, so a retention sweep finds a day's entries without scanning the table: that partition, then one row-key
/// range per client. Rows are only ever added: a status is an entry of its own.
/// </summary>
public sealed class RecordTable(TableServiceClient tables)
{
    public const string TableName = "TurtleRecord";

    /// <summary>An entity group transaction holds at most 100 operations (Azure Tables' limit).</summary>
    public const int MaxBatch = 100;

    private const string DayPartitionPrefix = "day.";
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private Task? _created;

    /// <summary>The partition of a client known by number, or by Meta's business-scoped user id only.</summary>
    public static string ClientKey(string? phone, string? userId) =>
        !string.IsNullOrEmpty(phone) ? phone : $"bsuid.{userId}";

    public static string RowKey(DateOnly day, long sequence) =>
        $"{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.{sequence.ToString("D10", CultureInfo.InvariantCulture)}";

    /// <summary>The day a row was appended, from its key.</summary>
    public static DateOnly DayOf(string rowKey) => DateOnly.ParseExact(rowKey[..8], "yyyyMMdd", CultureInfo.InvariantCulture);

    public static string DayPartition(DateOnly day) => DayPartitionPrefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>A client's entries in chain order.</summary>
    public async Task<List<StoredRecordEntry>> ReadAsync(string client, CancellationToken cancellationToken = default)
    {
        var rows = new List<StoredRecordEntry>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == client, cancellationToken: cancellationToken))
            {
                rows.Add(FromRow(row));
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No entry was ever appended in this account: reading creates nothing.
        }
        return rows;
    }

    /// <summary>Every client's entries, client by client, each in chain order (for <c>./turtle records verify</c>).</summary>
    public async IAsyncEnumerable<List<StoredRecordEntry>> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!await ExistsAsync(cancellationToken))
        {
            yield break;
        }
        List<StoredRecordEntry>? client = null;
        await foreach (var row in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (row.PartitionKey.StartsWith(DayPartitionPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            if (client is { Count: > 0 } && client[0].Client != row.PartitionKey)
            {
                yield return client;
                client = null;
            }
            (client ??= []).Add(FromRow(row));
        }
        if (client is { Count: > 0 })
        {
            yield return client;
        }
    }

    /// <summary>Notes that <paramref name="client"/> has entries appended on <paramref name="day"/>; repeating it is harmless.</summary>
    public async Task MarkDayAsync(string client, DateOnly day)
    {
        await EnsureCreatedAsync();
        await _table.UpsertEntityAsync(new TableEntity(DayPartition(day), client), TableUpdateMode.Replace);
    }

    /// <summary>
    /// Adds the rows in one entity group transaction (all or none, one billed transaction for up to 100).
    /// </summary>
    /// <returns>False when a row key is taken already: another writer appended at this place, so the caller re-reads.</returns>
    public async Task<bool> AddAsync(IReadOnlyList<StoredRecordEntry> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await EnsureCreatedAsync();
        try
        {
            await _table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, ToRow(r))));
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes every entry of <paramref name="client"/> (an erased client whose record is not kept), in transactions of up
    /// to 100, then the client's rows in the days' lists. Repeatable: what is gone already is skipped.
    /// </summary>
    /// <returns>How many entries were deleted.</returns>
    public async Task<int> DeleteClientAsync(string client)
    {
        var rows = await ReadAsync(client);
        foreach (var chunk in rows.Chunk(MaxBatch))
        {
            await _table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(client, r.RowKey), Azure.ETag.All)));
        }
        foreach (var day in rows.Select(r => DayOf(r.RowKey)).Distinct())
        {
            try
            {
                await _table.DeleteEntityAsync(DayPartition(day), client, Azure.ETag.All);
            }
            catch (Azure.RequestFailedException e) when (e.Status == 404)
            {
                // Removed by an earlier attempt.
            }
        }
        return rows.Count;
    }

    private Task EnsureCreatedAsync() => _created ??= CreateAsync();

    private async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in tables.QueryAsync(t => t.Name == TableName, cancellationToken: cancellationToken))
        {
            return true;
        }
        return false;
    }

    private async Task CreateAsync()
    {
        try
        {
            await _table.CreateIfNotExistsAsync();
        }
        catch
        {
            _created = null;
            throw;
        }
    }

    private static TableEntity ToRow(StoredRecordEntry stored)
    {
        var entry = stored.Entry;
        return new TableEntity(stored.Client, stored.RowKey)
        {
            ["EntryId"] = entry.Id,
            ["At"] = RecordChain.FormatTime(entry.At),
            ["Direction"] = entry.Direction,
            ["Kind"] = entry.Kind,
            ["Text"] = entry.Text,
            ["Template"] = entry.Template,
            ["Language"] = entry.Language,
            ["Category"] = entry.Category,
            ["Parameters"] = JsonSerializer.Serialize(entry.Parameters),
            ["MessageId"] = entry.MessageId,
            ["Status"] = entry.Status,
            ["ErrorCode"] = entry.ErrorCode,
            ["ErrorText"] = entry.ErrorText,
            ["Actor"] = entry.Actor,
            ["From"] = entry.From,
            ["AppointmentId"] = entry.AppointmentId,
            ["PreviousHash"] = stored.PreviousHash,
            ["Hash"] = stored.Hash,
        };
    }

    private static StoredRecordEntry FromRow(TableEntity row)
    {
        var entry = new RecordEntry
        {
            Id = row.GetString("EntryId") ?? "",
            At = DateTimeOffset.Parse(row.GetString("At") ?? "0001-01-01T00:00:00Z", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            Direction = row.GetString("Direction") ?? "",
            Kind = row.GetString("Kind") ?? "",
            Text = row.GetString("Text"),
            Template = row.GetString("Template"),
            Language = row.GetString("Language"),
            Category = row.GetString("Category"),
            Parameters = row.GetString("Parameters") is { } parameters ? JsonSerializer.Deserialize<List<string>>(parameters) ?? [] : [],
            MessageId = row.GetString("MessageId"),
            Status = row.GetString("Status"),
            ErrorCode = row.GetInt32("ErrorCode"),
            ErrorText = row.GetString("ErrorText"),
            Actor = row.GetString("Actor"),
            From = row.GetString("From"),
            AppointmentId = row.GetString("AppointmentId"),
        };
        return new StoredRecordEntry(row.PartitionKey, row.RowKey, entry, row.GetString("PreviousHash") ?? "", row.GetString("Hash") ?? "");
    }
}
