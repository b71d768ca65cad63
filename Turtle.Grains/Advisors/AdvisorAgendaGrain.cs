using Microsoft.Extensions.Logging;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

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
    private readonly TimeProvider _time;
    private readonly ILogger<AdvisorAgendaGrain> _logger;
    private readonly MessageDispatcher _delivery;
    /// <summary>An earlier activation's reminder was found pointing at the agenda.</summary>
    private bool _foundArmed;
    private bool _arming;

    public AdvisorAgendaGrain(
        [PersistentState("agenda", TurtleStorage.Advisors)] IPersistentState<AgendaState> state,
        AgendaSchedule schedule,
        DeliveryServices delivery,
        PhoneNumberNormalizer phones,
        ILogger<AdvisorAgendaGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        (_state, _schedule, _time, _logger) = (state, schedule, delivery.Time, logger);
        _delivery = new MessageDispatcher(delivery, this, state, new AgendaTarget(this, state, delivery.Grains, schedule, phones, delivery.Time));
    }

    private string Key => this.GetPrimaryKeyString();
    private Notification Message => _state.State.Message!;
    private bool IsOpen => Message.State is NotificationState.Pending or NotificationState.Sending;
    private bool Armed => IsOpen && (_foundArmed || _delivery.Alarm.IsArmed);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Until its first write the agenda is what its day and the configuration say it is.
        _state.State.Message ??= _schedule.Plan(AgendaKey.Parse(Key).Day);
        return Task.CompletedTask;
    }

    /// <summary>Meta's statuses answered from memory are written before the activation goes.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _delivery.Writer.FlushBehindAsync(cancellationToken);

    public Task ArmAsync()
    {
        if (Armed || _arming || !IsOpen || _time.GetUtcNow() >= Message.DueAt)
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
            Armed = Armed,
            MeetingCount = _state.State.MeetingCount,
            Agenda = _state.State.Agenda,
            Attempts = Message.Attempts,
            SentAt = Message.SentAt,
            MessageId = Message.MessageId,
            LastError = Message.LastError,
        });
    }

    public async Task<bool> ApplyDeliveryStatusAsync(DeliveryStatusUpdate update)
    {
        var effect = _delivery.ApplyStatus(update);
        if (effect == StatusEffect.Progressed && _delivery.Writer.IsStored)
        {
            // As a booking's (AppointmentGrain.ApplyDeliveryStatusAsync): progress is written behind, a failure before the answer.
            _delivery.Writer.WriteSoon();
        }
        else if (effect == StatusEffect.Replanned && _delivery.Writer.IsStored)
        {
            await _delivery.Writer.WriteAsync();
        }
        if (effect == StatusEffect.Replanned)
        {
            await _delivery.ArmAsync();
        }
        return effect != StatusEffect.NotOurs;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _delivery.Alarm.Ticked(status);
        await ProcessAsync();
    }

    private async Task ArmNowAsync(CancellationToken cancellationToken)
    {
        try
        {
            // An earlier activation's reminder still points at the agenda: reading it costs less than writing it again.
            if (await this.GetReminder(WakeAlarm.ReminderName, cancellationToken) is not null)
            {
                _foundArmed = true;
                return;
            }
            await ProcessAsync();
        }
        finally
        {
            _arming = false;
        }
    }

    private async Task ProcessAsync()
    {
        await _delivery.ProcessAsync();
        LogArmed(_logger, Key, Message.State, Message.NextAttemptAt ?? Message.DueAt);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agenda {Key}: {State}, next at {At}")]
    private static partial void LogArmed(ILogger logger, string key, NotificationState state, DateTimeOffset at);
}
