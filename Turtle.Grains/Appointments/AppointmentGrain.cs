using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Advisors;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Appointments;

/// <summary>
/// One booking: its commands and its state. What to send and when is decided by <see cref="MessageRules"/>, sending by
/// <see cref="MessageDispatcher"/>, waking by <see cref="BookingAlarm"/>, and what a failed write means by
/// <see cref="BookingWriter"/>, and what needs a person by <see cref="BookingAttention"/>.
/// </summary>
public sealed partial class AppointmentGrain : Grain, IAppointmentGrain, IRemindable
{
    private readonly IPersistentState<AppointmentState> _state;
    private readonly MessageRules _rules;
    private readonly MessageDispatcher _dispatcher;
    private readonly IOptions<NotificationOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AppointmentGrain> _logger;
    private readonly BookingWriter _writer;
    private readonly BookingAlarm _alarm;
    private readonly AgendaSchedule _agenda;
    private readonly BookingAttention _attention;
    private BookingListing? _listing;
    /// <summary>
    /// Memory holds a booking or a cancel that its call failed to arm or store (the reminder service or storage was out):
    /// the webhook's retry must store it, not answer "unchanged" from memory (found by the chaos run: a cancel was lost).
    /// </summary>
    private bool _unstored;

    public AppointmentGrain(
        [PersistentState("appointment", TurtleStorage.Appointments)] IPersistentState<AppointmentState> state,
        MessageRules rules,
        MessageDispatcher dispatcher,
        IOptions<NotificationOptions> options,
        WakePlanner planner,
        AgendaSchedule agenda,
        TimeProvider time,
        ILogger<AppointmentGrain> logger)
    {
        (_state, _rules, _dispatcher, _options, _agenda, _time, _logger) = (state, rules, dispatcher, options, agenda, time, logger);
        _alarm = new BookingAlarm(this, planner, time, ProcessAsync);
        _writer = new BookingWriter(state, logger)
        {
            Deactivate = DeactivateOnIdle,
            WakeIn = _alarm.WakeIn,
            BeforeWrite = () => BookingAttention.Review(State, _time.GetUtcNow()),
        };
        _attention = new BookingAttention(GrainFactory, logger);
        _dispatcher.OutcomeArrived = () => _alarm.WakeIn(TimeSpan.Zero);
    }

    private string Id => this.GetPrimaryKeyString();
    private AppointmentState State => _state.State;
    private IAdvisorLookupGrain Advisors => GrainFactory.GetGrain<IAdvisorLookupGrain>(0);
    private BookingListing Listing => _listing ??= new BookingListing(GrainFactory, Id, _rules);

    public async Task<BookingResult> BookAsync(BookingDetails booking)
    {
        if (State.Status != AppointmentStatus.Unknown)
        {
            var unstored = _unstored;
            if (unstored || _writer.HoldsUnrecordedOutcome)
            {
                // The webhook's retry: store, arm and list what the failed attempt changed (and sent) before answering.
                await StoreAsync();
                await IndexAsync();
            }
            await TellAttentionAsync();
            return new(State.Status, Changed: unstored);
        }

        var assignment = await Advisors.AssignAsync(new AssignmentRequest
        {
            AppointmentId = Id,
            HostEmails = booking.HostEmails,
            HostUserUris = booking.HostUserUris,
            StartTime = booking.StartTime,
        });
        _unstored = true;
        State.Details = booking;
        State.Advisor = assignment.Advisor;
        State.AssignmentReason = assignment.Reason;
        State.Status = booking.Phone is null ? AppointmentStatus.NoPhone
            : assignment.Advisor is null ? AppointmentStatus.NoAdvisor
            : AppointmentStatus.Booked;
        var now = _time.GetUtcNow();
        State.Notifications = _rules.Plan(booking, canSend: booking.Phone is not null, now);
        BookingRecords.Record(State, now, booking.Source, $"booked: {State.Status}, advisor {assignment.Advisor?.Name ?? "none"} ({assignment.Reason})");
        // What is due now goes out before the first write, which records it: two storage writes per booking, not four.
        // The webhook is answered in time even when Meta is slow: a send still out then is stored as claimed.
        await _dispatcher.DispatchAsync(Id, State, _writer, answerBy: now + _options.Value.BookingAnswerDeadline);
        await StoreAsync();
        await IndexAsync();
        if (booking.Phone is { } phone)
        {
            _ = GrainFactory.GetGrain<IRecipientGrain>(phone).BookedAsync(Id);
        }
        await ArmAgendaAsync();
        var maskedPhone = PhoneMask.Mask(booking.Phone);
        LogBooked(_logger, Id, State.Status, maskedPhone, booking.StartTime);
        return new(State.Status, Changed: true);
    }

    public async Task<BookingResult> CancelAsync(CancellationDetails cancellation)
    {
        if (State.Status is AppointmentStatus.Cancelled or AppointmentStatus.Rescheduled)
        {
            if (!_unstored)
            {
                return new(State.Status, Changed: false);
            }
            await StoreAsync();
            _alarm.WakeIn(TimeSpan.Zero);
            await IndexAsync();
            return new(State.Status, Changed: true);
        }

        var wasBooked = State.Details is not null;
        _unstored = true;
        // A cancel that overtakes its create keeps the booking's details but sends nothing, now or later.
        State.Details ??= cancellation.Booking;
        State.Status = cancellation.Rescheduled ? AppointmentStatus.Rescheduled : AppointmentStatus.Cancelled;
        State.CancelledAt = cancellation.CanceledAt;
        State.CancelReason = cancellation.Reason;
        BookingRecords.Cancelled(State, cancellation, wasBooked, _time.GetUtcNow());
        if (wasBooked)
        {
            var happened = cancellation.Rescheduled ? BookingEvent.CancelledForReschedule : BookingEvent.Cancelled;
            _rules.Apply(happened, State.Notifications, State.Details, _time.GetUtcNow(), cancellation.Booking.Source);
        }
        if (State.Advisor is { } advisor)
        {
            await Advisors.ReleaseAsync(Id, advisor.Email, State.Details.StartTime);
        }

        await StoreAsync();
        _alarm.WakeIn(TimeSpan.Zero);
        if (!wasBooked)
        {
            await IndexAsync();
        }
        LogCancelled(_logger, Id, State.Status);
        return new(State.Status, Changed: true);
    }

    public async Task ApplyDeliveryStatusAsync(DeliveryStatusUpdate update)
    {
        if (!DeliveryProgress.Apply(State.Notifications, update))
        {
            return;
        }
        // Failed after Meta accepted it: the booking needs a person, and stays armed until the attention list is told.
        await (update.Status == DeliveryStatus.Failed ? StoreAsync() : _writer.WriteAsync());
    }

    public async Task<RetryResult> RetryNotificationAsync(NotificationKind kind, string by)
    {
        var now = _time.GetUtcNow();
        var (entry, refusal) = MessageRetry.Decide(State, kind, now);
        if (entry is null)
        {
            return refusal!;
        }
        MessageRetry.Requeue(entry, by, now);
        // Stored due before it is sent: a retry asked for is never lost with the activation.
        await _writer.WriteAsync();
        LogRetried(_logger, Id, kind, by);
        await _dispatcher.DispatchAsync(Id, State, _writer, answerBy: now + _options.Value.BookingAnswerDeadline);
        await TellAttentionAsync();
        await _alarm.ArmAsync(State.Notifications, keepWaking: BookingAttention.Owed(State));
        await Listing.ExpectWakeAsync(State.Details, State.Notifications);
        return new RetryResult(RetryOutcome.Retried, Notification: entry.ToView());
    }

    public async Task<bool> WakeAsync()
    {
        var due = State.Details is not null && _rules.NextDue(State.Notifications, _time.GetUtcNow()) is not null;
        if (due)
        {
            LogWokenBySweep(_logger, Id);
        }
        await ProcessAsync();
        return due;
    }

    public Task<bool> AnswerAttendanceAsync(AttendanceAnswer answer) => FollowAsync(JourneyRules.Answer(State, answer));

    public async Task<BookingResult> MarkNoShowAsync(NoShowMark mark)
    {
        var step = JourneyRules.MarkNoShow(State, mark);
        await FollowAsync(step);
        return new(State.Status, step.Changed);
    }

    public Task RecordReplyAsync(ClientReply reply) => FollowAsync(JourneyRules.Reply(State, reply));

    public Task<AppointmentView?> GetAsync() => Task.FromResult(State.Status == AppointmentStatus.Unknown ? null : State.ToView(Id));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _alarm.Ticked(status);
        await IndexAsync();
        await ArmAgendaAsync();
        await ProcessAsync();
    }

    /// <summary>Sends everything due or overdue, then re-arms.</summary>
    private async Task ProcessAsync()
    {
        if (State.Details is not null)
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
            await _dispatcher.DispatchAsync(Id, State, _writer);
        }
        await TellAttentionAsync();
        await _alarm.ArmAsync(State.Notifications, keepWaking: BookingAttention.Owed(State));
        await Listing.ExpectWakeAsync(State.Details, State.Notifications);
    }

    /// <summary>
    /// Arms the wake-up, then writes: a stored plan is never left without one, nor a reason that needs a person untold
    /// (the reminder stays until the attention list has it). Then tells the attention list.
    /// </summary>
    private async Task StoreAsync()
    {
        await _alarm.ArmAsync(State.Notifications, keepWaking: BookingAttention.Review(State, _time.GetUtcNow()));
        await _writer.WriteAsync();
        _unstored = false;
        await TellAttentionAsync();
    }

    /// <summary>Tells the attention list what the stored booking changed; what it could not tell, a later wake-up does.</summary>
    private async Task TellAttentionAsync()
    {
        if (BookingAttention.Owed(State) && !await _attention.TellAsync(Id, State))
        {
            _alarm.WakeIn(BookingAttention.RetryDelay);
        }
    }

    /// <summary>Lists the booking under its meeting day, with when it next wakes.</summary>
    private async Task IndexAsync()
    {
        await Listing.AddAsync(State.Details);
        await Listing.ExpectWakeAsync(State.Details, State.Notifications);
    }

    /// <summary>
    /// Carries out a step of the client's journey: records its reasons for a person in the booking, stores it, lets its
    /// messages go, and tells the attention list.
    /// </summary>
    private async Task<bool> FollowAsync(JourneyStep step)
    {
        if (!step.Applies)
        {
            return false;
        }
        if (_writer.HoldsUnrecordedOutcome)
        {
            await _writer.WriteAsync();
        }
        var marked = false;
        foreach (var change in step.Attention)
        {
            marked |= change.Raise
                ? BookingAttention.Raise(State, change.Reason, change.Since, change.Detail)
                : BookingAttention.Clear(State, change.Reason);
        }
        if (step.Changed && step.Event is { } happened)
        {
            _rules.Apply(happened, State.Notifications, State.Details!, _time.GetUtcNow(), step.By);
        }
        if (step.Changed || marked)
        {
            await StoreAsync();
            _alarm.WakeIn(TimeSpan.Zero);
        }
        return true;
    }

    /// <summary>
    /// Tells the advisor's agenda of the meeting's day that it has a meeting: one-way (the booking does not wait) and
    /// repeatable, so every wake-up repairs an arm lost with a silo, as it does for the index.
    /// </summary>
    private Task ArmAgendaAsync() =>
        State is { Advisor: { } advisor, Details: { } booking, Status: AppointmentStatus.Booked or AppointmentStatus.NoPhone }
            && _agenda.AgendaToArm(advisor.Email, booking.StartTime, _time.GetUtcNow()) is { } key
            ? GrainFactory.GetGrain<IAdvisorAgendaGrain>(key).ArmAsync()
            : Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} booked: {Status}, phone {Phone}, meeting at {Start}")]
    private static partial void LogBooked(ILogger logger, string id, AppointmentStatus status, string phone, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} {Kind}: sent again, asked by {By}")]
    private static partial void LogRetried(ILogger logger, string id, NotificationKind kind, string by);
    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} woken by the watchdog: a message was due and unsent (its reminder tick was lost)")]
    private static partial void LogWokenBySweep(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} cancelled: {Status}")]
    private static partial void LogCancelled(ILogger logger, string id, AppointmentStatus status);
}
