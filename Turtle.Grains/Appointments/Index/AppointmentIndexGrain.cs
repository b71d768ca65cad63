using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Appointments.Index;

[GenerateSerializer, Alias("Turtle.AppointmentIndexState")]
public sealed class AppointmentIndexState
{
    [Id(0)] public Dictionary<string, DateTimeOffset> Starts { get; set; } = [];
    /// <summary>The client's number (E.164) of each booking that has one: how a client's reply finds its bookings.</summary>
    [Id(1)] public Dictionary<string, string> Phones { get; set; } = [];
    /// <summary>When each booking with something left to send next means to wake, as it last said.</summary>
    [Id(2)] public Dictionary<string, DateTimeOffset> Wakes { get; set; } = [];
}

/// <summary>
/// One shard of a day's bookings. Adds are answered from memory and written at most once per <see cref="FlushDelay"/>,
/// so a burst of bookings costs a write per shard, not per booking. An add lost with a crashed silo comes back: an add
/// answers whether the entry is stored yet, and a booking told "not yet" wakes again within a reminder period to add
/// itself again until it is (and adds itself whenever its reminder wakes it). It also keeps when each booking means to
/// wake, and sweeps (<see cref="BookingWatchdog"/>): a booking overdue by more than the grace lost its reminder tick and is woken.
/// </summary>
public sealed partial class AppointmentIndexGrain(
    [PersistentState("index", TurtleStorage.Appointments)] IPersistentState<AppointmentIndexState> state,
    ILogger<AppointmentIndexGrain> logger) : Grain, IAppointmentIndexGrain
{
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(5);

    private IGrainTimer? _flush;
    /// <summary>Bookings whose entry changed since the last write began, and those of the write in flight: not stored yet.</summary>
    private HashSet<string> _unflushed = [];
    private HashSet<string> _writing = [];
    private DateTimeOffset? _sweptAt;

    public Task<bool> AddAsync(string appointmentId, DateTimeOffset start, string? phone)
    {
        RecordStart(appointmentId, start);
        if (state.State.Phones.GetValueOrDefault(appointmentId) != phone)
        {
            if (phone is null)
            {
                state.State.Phones.Remove(appointmentId);
            }
            else
            {
                state.State.Phones[appointmentId] = phone;
            }
            Changed(appointmentId);
        }
        return Task.FromResult(!_unflushed.Contains(appointmentId) && !_writing.Contains(appointmentId));
    }

    public Task ExpectWakeAsync(string appointmentId, DateTimeOffset start, DateTimeOffset? wakeAt)
    {
        RecordStart(appointmentId, start);
        var wakes = state.State.Wakes;
        var changed = wakeAt is { } at
            ? !wakes.TryGetValue(appointmentId, out var known) || known != at
            : wakes.ContainsKey(appointmentId);
        if (changed)
        {
            if (wakeAt is { } next)
            {
                wakes[appointmentId] = next;
            }
            else
            {
                wakes.Remove(appointmentId);
            }
            FlushSoon();
        }
        return Task.CompletedTask;
    }

    public async Task<int> SweepAsync(DateTimeOffset now, TimeSpan grace, int max)
    {
        // Every silo sweeps every shard: the first one in an interval does the work, the others find it done.
        if (_sweptAt is { } swept && now - swept < grace / 2)
        {
            return 0;
        }
        _sweptAt = now;
        var overdue = state.State.Wakes.Where(kv => kv.Value < now - grace).OrderBy(kv => kv.Value).Take(max).Select(kv => kv.Key).ToList();
        if (overdue.Count == 0)
        {
            return 0;
        }
        var due = await Task.WhenAll(overdue.Select(id => GrainFactory.GetGrain<IAppointmentGrain>(id).WakeAsync()));
        var woken = due.Count(d => d);
        if (woken > 0)
        {
            LogWoken(logger, woken, this.GetPrimaryKeyString(), overdue.Count);
        }
        return woken;
    }

    public Task<IReadOnlyList<string>> FindByPhoneAsync(string phone) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Phones.Where(kv => kv.Value == phone).Select(kv => kv.Key)]);

    public Task<IReadOnlyList<IndexedAppointment>> ListAsync() =>
        Task.FromResult<IReadOnlyList<IndexedAppointment>>([.. state.State.Starts.Select(kv => new IndexedAppointment(kv.Key, kv.Value)).OrderBy(a => a.Start)]);

    public async Task ForgetPhonesAsync()
    {
        if (state.State.Phones.Count == 0)
        {
            return;
        }
        state.State.Phones.Clear();
        await state.WriteStateAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_flush is not null)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private void RecordStart(string appointmentId, DateTimeOffset start)
    {
        if (!state.State.Starts.TryGetValue(appointmentId, out var known) || known != start)
        {
            state.State.Starts[appointmentId] = start;
            Changed(appointmentId);
        }
    }

    private void Changed(string appointmentId)
    {
        _unflushed.Add(appointmentId);
        FlushSoon();
    }

    private void FlushSoon() => _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan));

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        // The timer is disposed only once the write is done: disposing a grain timer cancels its callback's token, and a
        // write given that token would be cancelled every time, so the index would never be stored.
        var timer = _flush;
        _flush = null;
        // Adds interleave with the write: one made while it is in flight may or may not be in it, so counts as unstored.
        (_writing, _unflushed) = (_unflushed, []);
        var written = false;
        try
        {
            await state.WriteStateAsync(timer is null ? cancellationToken : CancellationToken.None);
            written = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Still right in memory: write again shortly rather than drop the batch.
            LogFlushFailed(logger, e);
            FlushSoon();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment index could not be written; retrying")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watchdog woke {Woken} booking(s) of index {Shard} whose due message was unsent (reminder tick lost; {Overdue} overdue)")]
    private static partial void LogWoken(ILogger logger, int woken, string shard, int overdue);
}
