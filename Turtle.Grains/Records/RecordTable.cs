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
/// range per client; <c>staff.yyyyMMdd</c> lists likewise the partitions given a staff action that day, which is how the
/// audit is read. Staff actions that touch no client are the chain of partition <c>firm</c>. Rows are only ever added
/// (a status is an entry of its own) except by the retention sweep, which deletes a client's expired entries and leaves
/// in row <c>0.cut</c> (sorted before every entry) where it cut the chain (<see cref="RetentionCut"/>).
/// </summary>
public sealed class RecordTable(TableServiceClient tables)
{
    public const string TableName = "TurtleRecord";

    /// <summary>An entity group transaction holds at most 100 operations (Azure Tables' limit).</summary>
    public const int MaxBatch = 100;

    /// <summary>The chain of staff actions that touch no client (sign-ins, a reconciliation, an advisors' refresh).</summary>
    public const string FirmKey = "firm";

    /// <summary>The row of a client's partition that marks the retention cut: '0' sorts before every day's row key.</summary>
    public const string CutRowKey = "0.cut";

    private const string DayPartitionPrefix = "day.";
    private const string StaffPartitionPrefix = "staff.";
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
    public async Task<List<StoredRecordEntry>> ReadAsync(string client, CancellationToken cancellationToken = default) =>
        (await ReadChainAsync(client, cancellationToken)).Entries;

    /// <summary>A client's entries in chain order, and the retention cut before them, if any.</summary>
    public async Task<ClientChain> ReadChainAsync(string client, CancellationToken cancellationToken = default)
    {
        var chain = new ClientChain(client, null, []);
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == client, cancellationToken: cancellationToken))
            {
                chain = Add(chain, row);
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No entry was ever appended in this account: reading creates nothing.
        }
        return chain;
    }

    /// <summary>Every client's chain, client by client, each in chain order (for <c>./turtle records verify</c>).</summary>
    public async IAsyncEnumerable<ClientChain> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!await ExistsAsync(cancellationToken))
        {
            yield break;
        }
        ClientChain? client = null;
        await foreach (var row in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (IsList(row.PartitionKey))
            {
                continue;
            }
            if (client is not null && client.Client != row.PartitionKey)
            {
                yield return client;
                client = null;
            }
            client = Add(client ?? new ClientChain(row.PartitionKey, null, []), row);
        }
        if (client is not null)
        {
            yield return client;
        }
    }

    /// <summary>A client's entries appended on one day, in chain order.</summary>
    public async Task<List<StoredRecordEntry>> ReadDayAsync(string client, DateOnly day, CancellationToken cancellationToken = default)
    {
        var rows = new List<StoredRecordEntry>();
        await foreach (var row in _table.QueryAsync<TableEntity>(DayRange(client, day), cancellationToken: cancellationToken))
        {
            rows.Add(FromRow(row));
        }
        return rows;
    }

    /// <summary>The partitions given a staff action on <paramref name="day"/>.</summary>
    public Task<List<string>> StaffClientsAsync(DateOnly day, CancellationToken cancellationToken = default) =>
        ListedAsync(StaffPartition(day), cancellationToken);

    /// <summary>The clients with entries appended on <paramref name="day"/>.</summary>
    public Task<List<string>> DayClientsAsync(DateOnly day, CancellationToken cancellationToken = default) =>
        ListedAsync(DayPartition(day), cancellationToken);

    /// <summary>The first day on or after <paramref name="from"/> with entries appended, or null: one query, whatever the gap.</summary>
    public async Task<DateOnly?> FirstDayAsync(DateOnly from, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {DayPartition(from)} and PartitionKey lt {"day/"}");
        try
        {
            await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages())
            {
                if (page.Values.Count > 0)
                {
                    return DateOnly.ParseExact(page.Values[0].PartitionKey[DayPartitionPrefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture);
                }
                if (page.ContinuationToken is null)
                {
                    break;
                }
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // Nothing was ever appended.
        }
        return null;
    }

    /// <summary>
    /// Deletes a client's entries appended on <paramref name="day"/>, moving the cut past them in the same entity group
    /// transaction as the first deletes (so no entry is gone without the cut naming it); repeating it deletes nothing more.
    /// </summary>
    /// <returns>The transactions made (the range's read not counted).</returns>
    public async Task<int> SweepDayAsync(string client, DateOnly day, CancellationToken cancellationToken = default)
    {
        var keys = new List<(string RowKey, string Hash)>();
        await foreach (var row in _table.QueryAsync<TableEntity>(DayRange(client, day), select: ["RowKey", "Hash"], cancellationToken: cancellationToken))
        {
            keys.Add((row.RowKey, row.GetString("Hash") ?? ""));
        }
        if (keys.Count == 0)
        {
            return 0;
        }
        var cut = new TableEntity(client, CutRowKey) { ["Through"] = keys[^1].RowKey, ["Hash"] = keys[^1].Hash };
        var actions = keys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(client, k.RowKey), Azure.ETag.All)).Prepend(
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, cut));
        return await SubmitInBatchesAsync(actions, cancellationToken);
    }

    /// <summary>Deletes a swept day's lists (<c>day.</c> and <c>staff.</c>).</summary>
    /// <returns>The transactions made.</returns>
    public async Task<int> DeleteDayListsAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var made = 0;
        foreach (var partition in new[] { DayPartition(day), StaffPartition(day) })
        {
            var rows = await ListedAsync(partition, cancellationToken);
            made += await SubmitInBatchesAsync(
                rows.Select(client => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, client), Azure.ETag.All)), cancellationToken);
        }
        return made;
    }

    /// <summary>Notes that <paramref name="client"/> has entries appended on <paramref name="day"/>; repeating it is harmless.</summary>
    public async Task MarkDayAsync(string client, DateOnly day)
    {
        await EnsureCreatedAsync();
        await _table.UpsertEntityAsync(new TableEntity(DayPartition(day), client), TableUpdateMode.Replace);
    }

    /// <summary>Notes that <paramref name="client"/> has a staff action appended on <paramref name="day"/>, for the audit.</summary>
    public async Task MarkStaffDayAsync(string client, DateOnly day)
    {
        await EnsureCreatedAsync();
        await _table.UpsertEntityAsync(new TableEntity(StaffPartition(day), client), TableUpdateMode.Replace);
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
        var chain = await ReadChainAsync(client);
        var rows = chain.Entries;
        // The retention cut goes too: nothing of the client's chain is left.
        var keys = rows.Select(r => r.RowKey).Concat(chain.Cut is null ? [] : [CutRowKey]);
        foreach (var chunk in keys.Chunk(MaxBatch))
        {
            await _table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(client, k), Azure.ETag.All)));
        }
        // The days' lists name the client by number: their rows go too (the staff list only for days with staff entries).
        foreach (var (day, staff) in rows.GroupBy(r => DayOf(r.RowKey)).Select(g => (g.Key, g.Any(r => r.Entry.Direction == RecordDirections.Staff))))
        {
            foreach (var partition in staff ? [DayPartition(day), StaffPartition(day)] : new[] { DayPartition(day) })
            {
                try
                {
                    await _table.DeleteEntityAsync(partition, client, Azure.ETag.All);
                }
                catch (Azure.RequestFailedException e) when (e.Status == 404)
                {
                    // Removed by an earlier attempt.
                }
            }
        }
        return rows.Count;
    }

    private static string StaffPartition(DateOnly day) => StaffPartitionPrefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>A partition that lists clients rather than holding a chain.</summary>
    private static bool IsList(string partition) =>
        partition.StartsWith(DayPartitionPrefix, StringComparison.Ordinal) || partition.StartsWith(StaffPartitionPrefix, StringComparison.Ordinal);

    private static string DayRange(string client, DateOnly day) => TableClient.CreateQueryFilter(
        $"PartitionKey eq {client} and RowKey ge {day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)} and RowKey lt {day.AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture)}");

    private static ClientChain Add(ClientChain chain, TableEntity row)
    {
        if (row.RowKey == CutRowKey)
        {
            return chain with { Cut = new RetentionCut(row.GetString("Through") ?? "", row.GetString("Hash") ?? "") };
        }
        chain.Entries.Add(FromRow(row));
        return chain;
    }

    private async Task<List<string>> ListedAsync(string partition, CancellationToken cancellationToken)
    {
        var clients = new List<string>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                clients.Add(row.RowKey);
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // Nothing was ever appended.
        }
        return clients;
    }

    /// <summary>Submits the actions of one partition in entity group transactions of at most <see cref="MaxBatch"/>.</summary>
    private async Task<int> SubmitInBatchesAsync(IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        var made = 0;
        foreach (var batch in actions.Chunk(MaxBatch))
        {
            await _table.SubmitTransactionAsync(batch, cancellationToken);
            made++;
        }
        return made;
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
            ["ActorKind"] = entry.ActorKind,
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
            ActorKind = row.GetString("ActorKind"),
        };
        return new StoredRecordEntry(row.PartitionKey, row.RowKey, entry, row.GetString("PreviousHash") ?? "", row.GetString("Hash") ?? "");
    }
}
