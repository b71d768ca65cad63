namespace Turtle.Grains;

/// <summary>
/// A grain's state written behind its callers: changes are answered from memory and written at most once per delay, so
/// a burst of them costs one write; a change that failed to be written is written again after the delay. Changes are
/// named by a key, and a caller can ask whether its key's change is stored yet (a change made while a write is in
/// flight may or may not be in it, so it counts as not stored).
/// </summary>
public sealed class WriteBehind(IGrainBase grain, Func<CancellationToken, Task> write, TimeSpan delay, Action<Exception> failed)
{
    private IGrainTimer? _timer;
    private HashSet<string> _unflushed = [];
    private HashSet<string> _writing = [];

    /// <summary>A write is due: what changed is in memory only.</summary>
    public bool Due => _timer is not null;

    /// <summary>The change to <paramref name="key"/> is written with the next write.</summary>
    public void Changed(string key)
    {
        _unflushed.Add(key);
        Soon();
    }

    /// <summary>A change no caller asks about is written with the next write.</summary>
    public void Soon() => _timer ??= grain.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan));

    /// <summary>The last change to <paramref name="key"/> is stored.</summary>
    public bool IsStored(string key) => !_unflushed.Contains(key) && !_writing.Contains(key);

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        // The timer is disposed only once the write is done: disposing a grain timer cancels its callback's token, and a
        // write given that token would be cancelled every time, so the state would never be stored.
        var timer = _timer;
        _timer = null;
        (_writing, _unflushed) = (_unflushed, []);
        var written = false;
        try
        {
            await write(timer is null ? cancellationToken : CancellationToken.None);
            written = true;
        }
        catch (Exception e) when (!Hosting.Stopping.Asked(e, cancellationToken))
        {
            // Still right in memory: write again shortly rather than drop the batch.
            failed(e);
            Soon();
        }
        finally
        {
            if (!written)
            {
                _unflushed.UnionWith(_writing);
            }
            _writing = [];
            timer?.Dispose();
        }
    }
}
