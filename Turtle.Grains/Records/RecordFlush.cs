using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Records;

/// <summary>
/// Takes a holder's pending entries (<see cref="PendingEntries"/>) to the client's record a moment after the write that
/// stored them, so the caller who caused that write (Calendly's webhook) never waits on the record. Flushed entries are
/// dropped from memory only: the holder's next write drops them from storage. An activation lost before that flushes
/// them again from what is stored, and the record keeps each entry once. A flush is background work: it never holds the
/// holder's turn (Meta's statuses and the client's taps go on while it waits), and only a few run at once in a silo, so a
/// burst of bookings is answered first and the record catches up behind it.
/// </summary>
public sealed partial class RecordFlush(IGrainBase grain, IGrainFactory grains, Func<List<RecordEntry>> pending, Func<string?> client, ILogger logger)
{
    /// <summary>After a write: long enough that the write's caller has its answer, short enough that the record is current.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>The record could not be reached: the entries stay in the holder's state and go again after this.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>Flushes in flight at once in this process; the rest wait their turn rather than crowd the storage the webhooks need.</summary>
    public const int InFlightLimit = 4;

    private static readonly SemaphoreSlim InFlight = new(InFlightLimit);

    private IGrainTimer? _timer;

    /// <summary>Entries ready for the record are held: the holder must wake again until they are flushed.</summary>
    public bool Owed => client() is not null && pending().Exists(PendingEntries.IsReady);

    /// <summary>Flushes shortly, when something is ready (a grain timer: if the activation goes, its reminder flushes instead).</summary>
    public void Schedule(TimeSpan? delay = null)
    {
        if (!Owed)
        {
            return;
        }
        var due = delay ?? Delay;
        if (_timer is null)
        {
            _timer = grain.RegisterGrainTimer(_ => FlushAsync(), new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
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
        await InFlight.WaitAsync();
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
        finally
        {
            InFlight.Release();
        }
        var flushed = ready.ToHashSet();
        held.RemoveAll(flushed.Contains);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder}: {Count} record entries not flushed yet ({Error}); they stay in its state and go again shortly")]
    private static partial void LogNotFlushed(ILogger logger, string holder, int count, string error);
}
