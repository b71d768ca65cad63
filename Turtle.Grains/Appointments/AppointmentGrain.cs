using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Advisors;
using Turtle.Grains.Attention;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments;

/// <summary>
/// One booking: its state, and the commands that book and cancel it (this file); what happens to its messages once
/// stored (<c>AppointmentGrain.Messages.cs</c>) and the client's journey (<c>AppointmentGrain.Journey.cs</c>). What to
/// send and when is decided by <see cref="MessageRules"/>, sending by <see cref="MessageDispatcher"/>, waking by
/// <see cref="WakeAlarm"/>, what a failed write means by <see cref="StateWriter"/>, and what needs a person by
/// <see cref="BookingAttention"/>.
/// </summary>
public sealed partial class AppointmentGrain : Grain, IAppointmentGrain, IRemindable
{
    private readonly IPersistentState<AppointmentState> _state;
    private readonly MessageRules _rules;
    private readonly MessageDispatcher _dispatcher;
    private readonly IOptions<NotificationOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AppointmentGrain> _logger;
    private readonly StateWriter _writer;
    private readonly WakeAlarm _alarm;
    private readonly AgendaSchedule _agenda;
    private readonly BookingAttention _attention;
    private BookingListing? _listing;
    /// <summary>
    /// Memory holds a booking or a cancel that its call failed to arm or store (the reminder service or storage was out):
    /// the webhook's retry must store it, not answer "unchanged" from memory (found by the chaos run: a cancel was lost).
    /// </summary>
    private bool _unstored;
    /// <summary>
    /// The call stored the booking but failed to list it under its day (the index's silo had died): the webhook's retry
    /// lists it (found by the chaos run: a cancel that overtook its create was stored but never listed).
    /// </summary>
    private bool _unlisted;

    public AppointmentGrain(
        [PersistentState("appointment", TurtleStorage.Appointments)] IPersistentState<AppointmentState> state,
        MessageRules rules,
        MessageDispatcher dispatcher,
        IOptions<NotificationOptions> options,
        WakePolicy planner,
        AgendaSchedule agenda,
        TurtleClock time,
        ILogger<AppointmentGrain> logger)
    {
        (_state, _rules, _dispatcher, _options, _agenda, _time, _logger) = (state, rules, dispatcher, options, agenda, time, logger);
        _alarm = new WakeAlarm(this, planner, time, ProcessAsync);
        _writer = new StateWriter(state, logger)
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
    /// <summary>
    /// The booking is not listed yet, or its index holds the entry in memory only: it wakes within a reminder period to
    /// list itself again, so a silo's death in the index's write delay cannot leave a booking unlisted (found by the
    /// 30-minute chaos run: two bookings taken were missing from GET /api/appointments).
    /// </summary>
    private bool ListingUnstored => _unlisted || Listing.Unconfirmed;

    public async Task<BookingResult> BookAsync(BookingDetails booking)
    {
        if (State.Status != AppointmentStatus.Unknown)
        {
            var unfinished = _unstored || _unlisted;
            if (_unstored || _writer.HoldsUnrecordedOutcome)
            {
                // The webhook's retry: store, arm and list what the failed attempt changed (and sent) before answering.
                await StoreAsync();
            }
            if (unfinished || _writer.HoldsUnrecordedOutcome)
            {
                await ListAsync();
            }
            await TellAttentionAsync();
            return new(State.Status, Changed: unfinished);
        }

        var assignment = await Advisors.AssignAsync(new AssignmentRequest
        {
            AppointmentId = Id,
            HostEmails = booking.HostEmails,
            HostUserUris = booking.HostUserUris,
            StartTime = booking.StartTime,
        });
        (_unstored, _unlisted) = (true, true);
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
        await ListAsync();
        var maskedPhone = PhoneMask.Mask(booking.Phone);
        LogBooked(_logger, Id, State.Status, maskedPhone, booking.StartTime);
        return new(State.Status, Changed: true);
    }

    public async Task<BookingResult> CancelAsync(CancellationDetails cancellation)
    {
        if (State.Status is AppointmentStatus.Cancelled or AppointmentStatus.Rescheduled)
        {
            if (!_unstored && !_unlisted)
            {
                return new(State.Status, Changed: false);
            }
            if (_unstored)
            {
                await StoreAsync();
                _alarm.WakeIn(TimeSpan.Zero);
            }
            await IndexAsync();
            return new(State.Status, Changed: true);
        }

        var wasBooked = State.Details is not null;
        (_unstored, _unlisted) = (true, !wasBooked);
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

    public Task<AppointmentView?> GetAsync() => Task.FromResult(State.Status == AppointmentStatus.Unknown ? null : State.ToView(Id));

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} booked: {Status}, phone {Phone}, meeting at {Start}")]
    private static partial void LogBooked(ILogger logger, string id, AppointmentStatus status, string phone, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} cancelled: {Status}")]
    private static partial void LogCancelled(ILogger logger, string id, AppointmentStatus status);
}
