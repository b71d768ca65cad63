using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Appointments;

[GenerateSerializer, Alias("Turtle.AppointmentIndexState")]
public sealed class AppointmentIndexState
{
    [Id(0)] public Dictionary<string, DateTimeOffset> Starts { get; set; } = [];
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

    public Task AddAsync(string appointmentId, DateTimeOffset start)
    {
        if (!state.State.Starts.TryGetValue(appointmentId, out var known) || known != start)
        {
            state.State.Starts[appointmentId] = start;
            _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan));
        }
        return Task.CompletedTask;
    }

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
        _flush?.Dispose();
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
