using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Advisors;

namespace Turtle.Grains.Appointments;

/// <summary>
/// One booking: its commands and its state. What to send and when is decided by <see cref="MessageRules"/>, sending by
/// <see cref="MessageDispatcher"/>, waking by <see cref="BookingAlarm"/>, and what a failed write means by
/// <see cref="BookingWriter"/>.
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
        TimeProvider time,
        ILogger<AppointmentGrain> logger)
    {
        (_state, _rules, _dispatcher, _options, _time, _logger) = (state, rules, dispatcher, options, time, logger);
        _alarm = new BookingAlarm(this, planner, time, ProcessAsync);
        _writer = new BookingWriter(state, logger) { Deactivate = DeactivateOnIdle, WakeIn = _alarm.WakeIn };
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
        // What is due now goes out before the first write, which records it: two storage writes per booking, not four.
        // The webhook is answered in time even when Meta is slow: a send still out then is stored as claimed.
        await _dispatcher.DispatchAsync(Id, State, _writer, answerBy: now + _options.Value.BookingAnswerDeadline);
        await StoreAsync();
        await IndexAsync();
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
        if (wasBooked)
        {
            var happened = cancellation.Rescheduled ? BookingEvent.CancelledForReschedule : BookingEvent.Cancelled;
            MessageRules.Apply(happened, State.Notifications, State.Details, _time.GetUtcNow());
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
        var entry = State.Notifications.FirstOrDefault(n => n.MessageId == update.MessageId && n.Kind == update.Kind);
        if (entry is null || !DeliveryProgress.Advances(entry.DeliveryStatus, update.Status))
        {
            return;
        }
        entry.DeliveryStatus = update.Status;
        switch (update.Status)
        {
            case DeliveryStatus.Delivered:
                entry.DeliveredAt = update.At;
                break;
            case DeliveryStatus.Read:
                // A read receipt can overtake its delivery receipt: reading implies delivery.
                entry.DeliveredAt ??= update.At;
                entry.ReadAt = update.At;
                break;
            case DeliveryStatus.Failed:
                entry.LastError = $"{update.ErrorCode}: {update.ErrorText}";
                break;
        }
        await _writer.WriteAsync();
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

    public Task<AppointmentView?> GetAsync() => Task.FromResult(State.Status == AppointmentStatus.Unknown ? null : State.ToView(Id));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _alarm.Ticked(status);
        await IndexAsync();
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
        await _alarm.ArmAsync(State.Notifications);
        await Listing.ExpectWakeAsync(State.Details, State.Notifications);
    }

    /// <summary>Arms the wake-up, then writes: a stored plan is never left without one.</summary>
    private async Task StoreAsync()
    {
        await _alarm.ArmAsync(State.Notifications);
        await _writer.WriteAsync();
        _unstored = false;
    }

    /// <summary>Lists the booking under its meeting day, with when it next wakes.</summary>
    private async Task IndexAsync()
    {
        await Listing.AddAsync(State.Details);
        await Listing.ExpectWakeAsync(State.Details, State.Notifications);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} booked: {Status}, phone {Phone}, meeting at {Start}")]
    private static partial void LogBooked(ILogger logger, string id, AppointmentStatus status, string phone, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} woken by the watchdog: a message was due and unsent (its reminder tick was lost)")]
    private static partial void LogWokenBySweep(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} cancelled: {Status}")]
    private static partial void LogCancelled(ILogger logger, string id, AppointmentStatus status);
}
