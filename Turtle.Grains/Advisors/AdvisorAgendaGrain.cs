using Microsoft.Extensions.Logging;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Advisors;

/// <summary>An advisor's agenda of one day as persisted: nothing until it is first claimed for sending.</summary>
[GenerateSerializer, Alias("Turtle.AgendaState")]
public sealed class AgendaState
{
    /// <summary>The agenda message; null until first written (it is then planned from the key and the configuration).</summary>
    [Id(0)] public Notification? Message { get; set; }
    [Id(1)] public int MeetingCount { get; set; }
    [Id(2)] public string? Agenda { get; set; }
}

/// <summary>
/// One advisor's agenda of one day (key <see cref="AgendaKey"/>): armed by that day's bookings, it keeps one durable
/// reminder toward the agenda time, re-armed like a booking's (capped due times, so a day months ahead is fine), and
/// sends once. Arming costs no write of its own until the reminder is registered, a moment later, once for all the
/// bookings that armed it meanwhile; the state is first written when the agenda is claimed for sending.
/// </summary>
public sealed partial class AdvisorAgendaGrain : Grain, IAdvisorAgendaGrain, IRemindable
{
    /// <summary>How long arming waits to register the reminder: a burst of bookings for one advisor and day costs one registration.</summary>
    public static readonly TimeSpan ArmDelay = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<AgendaState> _state;
    private readonly AgendaSchedule _schedule;
    private readonly AgendaDispatcher _dispatcher;
    private readonly TimeProvider _time;
    private readonly ILogger<AdvisorAgendaGrain> _logger;
    private readonly StateWriter _writer;
    private readonly WakeAlarm _alarm;
    private bool _armed;
    private bool _arming;

    public AdvisorAgendaGrain(
        [PersistentState("agenda", TurtleStorage.Advisors)] IPersistentState<AgendaState> state,
        AgendaSchedule schedule,
        AgendaDispatcher dispatcher,
        WakePolicy planner,
        TurtleClock time,
        ILogger<AdvisorAgendaGrain> logger)
    {
        (_state, _schedule, _dispatcher, _time, _logger) = (state, schedule, dispatcher, time, logger);
        _alarm = new WakeAlarm(this, planner, time, ProcessAsync);
        _writer = new StateWriter(state, logger) { Deactivate = DeactivateOnIdle, WakeIn = _alarm.WakeIn };
    }

    private string Key => this.GetPrimaryKeyString();
    private Notification Message => _state.State.Message!;
    private bool IsOpen => Message.State is NotificationState.Pending or NotificationState.Sending;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Until its first write the agenda is what its day and the configuration say it is.
        _state.State.Message ??= _schedule.Plan(AgendaKey.Parse(Key).Day);
        return Task.CompletedTask;
    }

    public Task ArmAsync()
    {
        if (_armed || _arming || !IsOpen || _time.GetUtcNow() >= Message.DueAt)
        {
            // Armed already, done, or too late: a meeting booked after the agenda time is told by its AdvisorBooked notice.
            return Task.CompletedTask;
        }
        _arming = true;
        var wait = Message.DueAt - _time.GetUtcNow();
        this.RegisterGrainTimer(ArmNowAsync, new GrainTimerCreationOptions(wait < ArmDelay ? wait : ArmDelay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task<AgendaView> GetAsync()
    {
        var (day, email) = AgendaKey.Parse(Key);
        return Task.FromResult(new AgendaView
        {
            Day = day,
            AdvisorEmail = email,
            DueAt = Message.DueAt,
            State = Message.State,
            Armed = _armed,
            MeetingCount = _state.State.MeetingCount,
            Agenda = _state.State.Agenda,
            Attempts = Message.Attempts,
            SentAt = Message.SentAt,
            MessageId = Message.MessageId,
            LastError = Message.LastError,
        });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _alarm.Ticked(status);
        await ProcessAsync();
    }

    private async Task ArmNowAsync(CancellationToken cancellationToken)
    {
        try
        {
            // An earlier activation's reminder still points at the agenda: reading it costs less than writing it again.
            if (await this.GetReminder(WakeAlarm.ReminderName, cancellationToken) is not null)
            {
                _armed = true;
                return;
            }
            await ProcessAsync();
        }
        finally
        {
            _arming = false;
        }
    }

    /// <summary>Sends the agenda when it is due, then points the reminder at what is next (or removes it when done).</summary>
    private async Task ProcessAsync()
    {
        if (_writer.HoldsUnrecordedOutcome)
        {
            try
            {
                await _writer.WriteAsync();
            }
            catch (Hosting.StorageUnavailableException)
            {
                return;
            }
        }
        await _dispatcher.DispatchAsync(Key, _state.State, _writer);
        await _alarm.ArmAsync([Message]);
        _armed = IsOpen;
        LogArmed(_logger, Key, Message.State, Message.NextAttemptAt ?? Message.DueAt);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agenda {Key}: {State}, next at {At}")]
    private static partial void LogArmed(ILogger logger, string key, NotificationState state, DateTimeOffset at);
}
