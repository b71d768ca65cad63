using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Records;

/// <summary>
/// Appends to one client's record, one append at a time, so each entry's previous hash is the entry stored before it.
/// Its place in the chain (the last row key and hash) and the ids already stored are read from the table when it
/// activates, not kept in a second row: an append is one entity group transaction and nothing else (plus, on a client's
/// first entry of a day, the day's list for the retention sweep). An entry whose id is stored already is left out, so a
/// flush repeated after a crash stores nothing twice.
/// </summary>
public sealed partial class ClientRecordGrain(RecordTable table, TurtleClock time, ILogger<ClientRecordGrain> logger) : Grain, IClientRecordGrain
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly HashSet<string> _bookings = new(StringComparer.Ordinal);
    private string _lastHash = RecordChain.Start;
    private long _lastSequence;
    private DateOnly? _lastDay;

    private string Client => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<int> AppendAsync(IReadOnlyList<RecordEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var appended = 0;
        for (var attempt = 0; ; attempt++)
        {
            var fresh = entries.Where(e => !_ids.Contains(e.Id)).DistinctBy(e => e.Id).Take(RecordTable.MaxBatch).ToList();
            if (fresh.Count == 0)
            {
                return appended;
            }
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            // Row keys must rise with the chain even if this silo's clock is behind the one that wrote last.
            var day = _lastDay is { } last && last > today ? last : today;
            if (_lastDay != day)
            {
                // Listed before its entries land, so no entry of the day is ever missing from the day's list.
                await table.MarkDayAsync(Client, day);
            }
            if (fresh.Exists(e => e.Direction == RecordDirections.Staff))
            {
                // Likewise listed first, so the audit finds every staff action of the day.
                await table.MarkStaffDayAsync(Client, day);
            }
            var rows = new List<StoredRecordEntry>(fresh.Count);
            var (previous, sequence) = (_lastHash, _lastSequence);
            foreach (var entry in fresh)
            {
                var hash = RecordChain.Hash(previous, entry);
                rows.Add(new StoredRecordEntry(Client, RecordTable.RowKey(day, ++sequence), entry, previous, hash));
                previous = hash;
            }
            if (await table.AddAsync(rows))
            {
                _ids.UnionWith(fresh.Select(e => e.Id));
                _bookings.UnionWith(fresh.Select(e => e.AppointmentId).OfType<string>());
                (_lastHash, _lastSequence, _lastDay) = (previous, sequence, day);
                appended += fresh.Count;
                continue;
            }
            // Another activation appended meanwhile (a silo's copy thought dead): read where the chain is now, and go on.
            LogChainMoved(logger, PhoneMask.Mask(Client), attempt);
            if (attempt >= 3)
            {
                throw new InvalidOperationException("The record's place kept moving while appending; the caller tries again.");
            }
            await LoadAsync(CancellationToken.None);
        }
    }

    public async Task<IReadOnlyList<RecordEntry>> ReadAsync(DateTimeOffset? since, DateTimeOffset? until)
    {
        var rows = await table.ReadAsync(Client);
        return [.. rows.Select(r => r.Entry).Where(e => (since is null || e.At >= since) && (until is null || e.At <= until)).OrderBy(e => e.At)];
    }

    public Task<IReadOnlyList<string>> BookingsAsync() => Task.FromResult<IReadOnlyList<string>>([.. _bookings]);

    public Task<int> CountAsync() => Task.FromResult(_ids.Count);

    public async Task<int> EraseAsync(RecordEntry erasure, bool keep)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        if (keep)
        {
            await AppendAsync([erasure]);
            return _ids.Count;
        }
        var deleted = await table.DeleteClientAsync(Client);
        (_lastHash, _lastSequence, _lastDay) = (RecordChain.Start, 0, null);
        _ids.Clear();
        _bookings.Clear();
        return deleted;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var chain = await table.ReadChainAsync(Client, cancellationToken);
        _ids.Clear();
        _ids.UnionWith(chain.Entries.Select(r => r.Entry.Id));
        _bookings.Clear();
        _bookings.UnionWith(chain.Entries.Select(r => r.Entry.AppointmentId).OfType<string>());
        // With every entry swept as expired, the chain goes on from the last one deleted, as the cut names it.
        var (rowKey, hash) = chain.Entries.Count > 0 ? (chain.Entries[^1].RowKey, chain.Entries[^1].Hash) : (chain.Cut?.Through, chain.Cut?.Hash);
        if (rowKey is not null && hash is not null)
        {
            _lastHash = hash;
            _lastSequence = long.Parse(rowKey.AsSpan(9), System.Globalization.CultureInfo.InvariantCulture);
            _lastDay = RecordTable.DayOf(rowKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record of {Client}: another writer appended first (attempt {Attempt}); reading its place again")]
    private static partial void LogChainMoved(ILogger logger, string client, int attempt);
}
