using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Records;

/// <summary>
/// Takes a holder's pending entries (<see cref="PendingEntries"/>) to the client's record a moment after the write that
/// stored them, so the caller who caused that write (Calendly's webhook) never waits on the record. Flushed entries are
/// dropped from memory only: the holder's next write drops them from storage. An activation lost before that flushes
/// them again from what is stored, and the record keeps each entry once. A flush is background work: the holder waits
/// its turn in its silo's <see cref="RecordBacklog"/> as a grain id, holding neither its turn nor its activation, so a
/// burst of bookings is answered first, leaves memory when idle, and the record catches up behind it.
/// </summary>
public sealed partial class RecordFlush(IGrainBase grain, IGrainFactory grains, RecordBacklog backlog, Func<List<RecordEntry>> pending, Func<string?> client, ILogger logger)
{
    /// <summary>After a write: long enough that the write's caller has its answer, short enough that the record is current.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>The record could not be reached: the entries stay in the holder's state and go again after this.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>Entries ready for the record are held: the holder must wake again until they are flushed.</summary>
    public bool Owed => client() is not null && pending().Exists(PendingEntries.IsReady);

    /// <summary>Puts the holder in its silo's backlog to flush shortly, when something is ready.</summary>
    public void Schedule(TimeSpan? delay = null)
    {
        if (Owed)
        {
            backlog.Enqueue(grain.GrainContext.GrainId, delay ?? Delay);
        }
    }

    public async Task FlushAsync()
    {
        var held = pending();
        var ready = held.Where(PendingEntries.IsReady).ToList();
        if (ready.Count == 0 || client() is not { } key)
        {
            return;
        }
        try
        {
            await grains.GetGrain<IClientRecordGrain>(key).AppendAsync(ready);
        }
        catch (Exception e) when (e is not (ArgumentException or NullReferenceException or InvalidCastException))
        {
            LogNotFlushed(logger, grain.GrainContext.GrainId.ToString(), ready.Count, e.Message);
            Schedule(RetryDelay);
            return;
        }
        var flushed = ready.ToHashSet();
        held.RemoveAll(flushed.Contains);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder}: {Count} record entries not flushed yet ({Error}); they stay in its state and go again shortly")]
    private static partial void LogNotFlushed(ILogger logger, string holder, int count, string error);
}
