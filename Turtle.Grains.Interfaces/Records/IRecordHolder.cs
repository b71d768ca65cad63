namespace Turtle.Grains.Records;

/// <summary>A grain that holds entries for a client's record in its own state until they reach the record.</summary>
public interface IRecordHolder : IGrainWithStringKey
{
    /// <summary>
    /// Takes the holder's entries that are ready to the record; its silo's record backlog calls it when the holder's turn
    /// comes. Interleaved: the holder's other calls (Meta's statuses, the client's taps) go on while the record writes.
    /// </summary>
    [AlwaysInterleave]
    Task FlushRecordAsync();
}
