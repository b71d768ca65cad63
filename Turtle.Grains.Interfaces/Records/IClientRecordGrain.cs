namespace Turtle.Grains.Records;

/// <summary>
/// One client's record (SPEC §13), keyed by the client's E.164 number (or <c>bsuid:</c> and Meta's id for a sender
/// known by no number). It appends one at a time, so each entry's hash of the previous one is the chain's true order.
/// </summary>
public interface IClientRecordGrain : IGrainWithStringKey
{
    /// <summary>Appends the entries not yet in the record (by <see cref="RecordEntry.Id"/>), in the order given.</summary>
    /// <returns>How many were new.</returns>
    Task<int> AppendAsync(IReadOnlyList<RecordEntry> entries);

    /// <summary>The entries whose time is within [<paramref name="since"/>, <paramref name="until"/>], in time order.</summary>
    Task<IReadOnlyList<RecordEntry>> ReadAsync(DateTimeOffset? since, DateTimeOffset? until);

    /// <summary>
    /// The bookings the record names (every booking with this number enters its opt-in when stored): the client's complete
    /// list of bookings, kept in the record's own rows, so knowing it costs no write of its own.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> BookingsAsync();

    /// <summary>How many entries the record holds.</summary>
    [AlwaysInterleave]
    Task<int> CountAsync();

    /// <summary>
    /// The client was erased (SPEC §13): with <paramref name="keep"/> the entries stay and <paramref name="erasure"/> is
    /// appended; without it every entry of the client is deleted, with the client's rows in the days' lists, and the
    /// erasure entry is not kept (it would be the client's first entry again). How many entries were kept or deleted.
    /// </summary>
    Task<int> EraseAsync(RecordEntry erasure, bool keep);
}
