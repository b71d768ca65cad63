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
}
