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
    /// <summary>The client's name and e-mail of each booking (what the console's search looks in); gone once erased.</summary>
    [Id(3)] public Dictionary<string, string> Names { get; set; } = [];
    [Id(4)] public Dictionary<string, string> Emails { get; set; } = [];
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

    private WriteBehind? _writes;
    private DateTimeOffset? _sweptAt;

    private WriteBehind Writes => _writes ??= new WriteBehind(this, state.WriteStateAsync, FlushDelay, e => LogFlushFailed(logger, e));

    public Task<bool> AddAsync(string appointmentId, DateTimeOffset start, string? phone, string? name, string? email)
    {
        RecordStart(appointmentId, start);
        if (Keep(state.State.Phones, appointmentId, phone) | Keep(state.State.Names, appointmentId, name) | Keep(state.State.Emails, appointmentId, email))
        {
            Changed(appointmentId);
        }
        return Task.FromResult(Writes.IsStored(appointmentId));
    }

    public Task<IReadOnlyList<IndexedClient>> SearchAsync(string text, int max)
    {
        var (names, emails, phones) = (state.State.Names, state.State.Emails, state.State.Phones);
        var found = state.State.Starts
            .Where(kv => Contains(names, kv.Key, text) || Contains(emails, kv.Key, text))
            .Take(max)
            .Select(kv => new IndexedClient(kv.Key, kv.Value, phones.GetValueOrDefault(kv.Key), names.GetValueOrDefault(kv.Key), emails.GetValueOrDefault(kv.Key)));
        return Task.FromResult<IReadOnlyList<IndexedClient>>([.. found]);

        static bool Contains(Dictionary<string, string> values, string id, string text) =>
            values.TryGetValue(id, out var value) && value.Contains(text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Sets or removes (null) the booking's value; whether it changed.</summary>
    private static bool Keep(Dictionary<string, string> values, string appointmentId, string? value)
    {
        if (values.GetValueOrDefault(appointmentId) == value)
        {
            return false;
        }
        if (value is null)
        {
            values.Remove(appointmentId);
        }
        else
        {
            values[appointmentId] = value;
        }
        return true;
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
            Writes.Soon();
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
        if (Writes.Due)
        {
            await Writes.FlushAsync(cancellationToken);
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

    private void Changed(string appointmentId) => Writes.Changed(appointmentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment index could not be written; retrying")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watchdog woke {Woken} booking(s) of index {Shard} whose due message was unsent (reminder tick lost; {Overdue} overdue)")]
    private static partial void LogWoken(ILogger logger, int woken, string shard, int overdue);
}
