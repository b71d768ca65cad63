using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Records;

/// <summary>
/// The silo's holders that owe the record their entries, flushed in turn by a few workers. A holder waiting here is a
/// grain id, not an activation kept in memory: a burst of bookings is answered first and leaves memory when idle, and
/// the record catches up behind it without crowding the storage the webhooks need. The backlog is memory only; what it
/// names is in each holder's stored state, and a holder whose place was lost (its silo died) flushes when it next wakes.
/// </summary>
public sealed partial class RecordBacklog(IGrainFactory grains, ILogger<RecordBacklog> logger) : IDisposable
{
    /// <summary>Flushes in flight at once in this silo.</summary>
    public const int Workers = 4;

    private readonly ConcurrentDictionary<GrainId, byte> _queued = new();
    private readonly Channel<GrainId> _ready = Channel.CreateUnbounded<GrainId>();
    private readonly CancellationTokenSource _stopping = new();
    private int _started;

    /// <summary>Holders waiting for their turn.</summary>
    public int Waiting => _queued.Count;

    /// <summary>Queues <paramref name="holder"/> to flush no sooner than <paramref name="delay"/> from now; once while it waits.</summary>
    public void Enqueue(GrainId holder, TimeSpan delay)
    {
        if (_stopping.IsCancellationRequested || !_queued.TryAdd(holder, 0))
        {
            return;
        }
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            for (var i = 0; i < Workers; i++)
            {
                _ = Task.Run(WorkAsync);
            }
        }
        _ = LaterAsync(holder, delay);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _ready.Writer.TryComplete();
        _stopping.Dispose();
    }

    private async Task LaterAsync(GrainId holder, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token);
            _ready.Writer.TryWrite(holder);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The silo is stopping: the entries stay in the holder's stored state.
        }
    }

    private async Task WorkAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            await foreach (var holder in _ready.Reader.ReadAllAsync(stopping))
            {
                // Out of the backlog before the call: entries the holder stores meanwhile put it back.
                _queued.TryRemove(holder, out _);
                try
                {
                    await grains.GetGrain<IRecordHolder>(holder).FlushRecordAsync();
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    LogHolderUnreachable(logger, holder.ToString(), e.Message);
                    Enqueue(holder, RecordFlush.RetryDelay);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder}: its record entries could not be flushed ({Error}); it is asked again shortly")]
    private static partial void LogHolderUnreachable(ILogger logger, string holder, string error);
}
