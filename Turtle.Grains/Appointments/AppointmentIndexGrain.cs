using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Appointments;

[GenerateSerializer, Alias("Turtle.AppointmentIndexState")]
public sealed class AppointmentIndexState
{
    [Id(0)] public Dictionary<string, DateTimeOffset> Starts { get; set; } = [];
    /// <summary>The client's number (E.164) of each booking that has one: how a client's reply finds its bookings.</summary>
    [Id(1)] public Dictionary<string, string> Phones { get; set; } = [];
}

/// <summary>
/// One shard of a day's bookings. Adds are answered from memory and written at most once per <see cref="FlushDelay"/>,
/// so a burst of bookings costs a write per shard, not per booking. An add lost with a crashed silo comes back:
/// every booking adds itself again whenever its reminder wakes it.
/// </summary>
public sealed partial class AppointmentIndexGrain(
    [PersistentState("index", TurtleStorage.Appointments)] IPersistentState<AppointmentIndexState> state,
    ILogger<AppointmentIndexGrain> logger) : Grain, IAppointmentIndexGrain
{
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(5);

    private IGrainTimer? _flush;

    public Task AddAsync(string appointmentId, DateTimeOffset start, string? phone)
    {
        var known = state.State.Starts.TryGetValue(appointmentId, out var knownStart) && knownStart == start
            && state.State.Phones.GetValueOrDefault(appointmentId) == phone;
        if (!known)
        {
            state.State.Starts[appointmentId] = start;
            if (phone is null)
            {
                state.State.Phones.Remove(appointmentId);
            }
            else
            {
                state.State.Phones[appointmentId] = phone;
            }
            _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan));
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> FindByPhoneAsync(string phone) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Phones.Where(kv => kv.Value == phone).Select(kv => kv.Key)]);

    public Task<IReadOnlyList<IndexedAppointment>> ListAsync() =>
        Task.FromResult<IReadOnlyList<IndexedAppointment>>([.. state.State.Starts.Select(kv => new IndexedAppointment(kv.Key, kv.Value)).OrderBy(a => a.Start)]);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_flush is not null)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        // Disposed only once written: disposing a grain timer cancels the token its running callback was given.
        using var done = _flush;
        _flush = null;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Still right in memory: write again shortly rather than drop the batch.
            LogFlushFailed(logger, e);
            _flush = this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment index could not be written; retrying")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
