using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Advisors;
using Turtle.Grains.Attention;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;

namespace Turtle.Grains.Appointments;

/// <summary>
/// One booking: its state, and the commands that book and cancel it (this file); what happens to its messages once
/// stored (<c>AppointmentGrain.Messages.cs</c>) and the client's journey (<c>AppointmentGrain.Journey.cs</c>). What to
/// send and when is decided by <see cref="MessageRules"/>, sending, writing and waking by the
/// <see cref="MessageDispatcher"/> every holder of messages shares (this booking's part of it is its
/// <see cref="BookingTarget"/>), and what needs a person by <see cref="BookingAttention"/>.
/// </summary>
public sealed partial class AppointmentGrain : Grain, IAppointmentGrain, IRecordHolder, IRemindable
{
    private readonly IPersistentState<AppointmentState> _state;
    private readonly MessageRules _rules;
    private readonly IOptions<NotificationOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AppointmentGrain> _logger;
    private readonly AgendaSchedule _agenda;
    private readonly Calendly.MeetingCanceller _calendly;
    private readonly ClientLanguages _languages;
    private readonly BookingTarget _target;
    private readonly MessageDispatcher _delivery;

    public AppointmentGrain(
        [PersistentState("appointment", TurtleStorage.Appointments)] IPersistentState<AppointmentState> state,
        DeliveryServices delivery,
        MessageRules rules,
        MessageRecipients recipients,
        IOptions<NotificationOptions> options,
        AgendaSchedule agenda,
        Calendly.MeetingCanceller calendly,
        ClientLanguages languages,
        ILogger<AppointmentGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        (_state, _rules, _options, _agenda, _calendly, _languages, _time, _logger) = (state, rules, options, agenda, calendly, languages, delivery.Time, logger);
        _target = new BookingTarget(this, state, delivery.Grains, rules, recipients, languages, delivery.Policy, delivery.Time, agenda.Firm, delivery.Records, logger);
        _delivery = new MessageDispatcher(delivery, this, state, _target);
    }

    private string Id => this.GetPrimaryKeyString();
    private AppointmentState State => _state.State;
    private StateWriter Writer => _delivery.Writer;
    private BookingListing Listing => _target.Listing;
    private IAdvisorLookupGrain Advisors => GrainFactory.GetGrain<IAdvisorLookupGrain>(0);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Entries a lost activation stored and did not flush go to the record whatever woke this one (a status from Meta,
        // usually seconds after a send), not only at the booking's next reminder, which may be days away.
        _target.Record.Schedule();
        // Likewise a tally its day did not store (or one never told: a booking stored before insight was counted).
        _target.Insight.Schedule();
        return Task.CompletedTask;
    }

    /// <summary>Meta's statuses answered from memory are written before the activation goes.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Writer.FlushBehindAsync(cancellationToken);

    public async Task<BookingResult> BookAsync(BookingDetails booking)
    {
        if (State.Status != AppointmentStatus.Unknown)
        {
            // The webhook's retry: store, arm and list what the failed attempt changed (and sent) before answering.
            var unfinished = Writer.Ahead.HasFlag(Unwritten.Change) || Listing.State == Listed.NotYet;
            if (Writer.Ahead != Unwritten.Nothing)
            {
                await StoreAsync();
            }
            if (unfinished || Writer.HoldsUnrecordedOutcome)
            {
                await ListAsync();
            }
            await TellAttentionAsync();
            return new(State.Status, Changed: unfinished);
        }

        var assignment = await Advisors.AssignAsync(AssignmentRequest.For(Id, booking));
        // Asked before anything changes in memory: when the reminder service fails here the booking is still unknown, so
        // the webhook's retry asks again. A plan made first and kept by the failed attempt would be stored by the retry
        // as unsent, and the first messages an interrupted attempt sent would go a second time.
        var interrupted = await this.GetReminder(WakeAlarm.ReminderName) is not null;
        Writer.Changing();
        Listing.Expect();
        State.Details = booking;
        State.Advisor = assignment.Advisor;
        State.AssignmentReason = assignment.Reason;
        State.Language = _languages.For(booking);
        State.Status = booking.Phone is null ? AppointmentStatus.NoPhone
            : assignment.Advisor is null ? AppointmentStatus.NoAdvisor
            : AppointmentStatus.Booked;
        var now = _time.GetUtcNow();
        State.Notifications = _rules.Plan(booking, canSend: booking.Phone is not null, now);
        BookingRecords.Record(State, now, booking.Source, $"booked: {State.Status}, advisor {assignment.Advisor?.Name ?? "none"} ({assignment.Reason})");
        if (booking.Phone is not null)
        {
            Records.PendingEntries.OptedIn(State.RecordPending, Id, booking.Source, now);
        }
        await EnterClaimsAsync(ClaimFirstSends(interrupted, now));
        // The wake-up is armed before the first messages go (the write it costs is the booking's one reminder write), and
        // what is due now goes out before the first write, which records it: two storage writes per booking, not four.
        // The webhook is answered in time even when Meta is slow: a send still out then is stored as claimed.
        await _delivery.ArmAsync();
        await _delivery.DispatchAsync(answerBy: now + _options.Value.BookingAnswerDeadline);
        await StoreAsync();
        await ListAsync();
        var maskedPhone = PhoneMask.Mask(booking.Phone);
        LogBooked(_logger, Id, State.Status, maskedPhone, booking.StartTime);
        return new(State.Status, Changed: true);
    }

    /// <summary>
    /// The first messages an earlier attempt to store the booking may have sent count as claimed: those Meta's statuses
    /// named while the booking was unknown (recorded sent by them), and, when that attempt armed the wake-up (its silo
    /// may have died after sending), every one due now: Meta's status records those sent, and only silence until the send
    /// timeout sends them again. Nothing is awaited here, so a failure later leaves none of them due in memory for the
    /// webhook's retry to store.
    /// </summary>
    /// <returns>The messages claimed, to be entered for the client's record (<see cref="EnterClaimsAsync"/>).</returns>
    private List<Notification> ClaimFirstSends(bool interrupted, DateTimeOffset now)
    {
        var claimed = ApplyEarlyStatuses();
        if (interrupted)
        {
            foreach (var entry in State.Notifications.Where(n => n is { State: NotificationState.Pending, MessageId: null } && n.DueAt <= now))
            {
                SendRules.Claim(entry, now);
                entry.LastError = "an earlier attempt to store the booking was interrupted and may have sent it: "
                    + $"waiting for Meta's status until {now + _options.Value.SendTimeout:u}";
                claimed.Add(entry);
            }
            LogInterruptedFirstAttempt(_logger, Id);
        }
        return claimed;
    }

    /// <summary>
    /// Enters claimed messages to the client as they went, so the status that tells Meta took one completes its entry.
    /// The advisor's are not in the client's record: they are not addressed again (an advisor without a phone would be
    /// raised for attention by a cancel).
    /// </summary>
    private async Task EnterClaimsAsync(List<Notification> claimed)
    {
        foreach (var entry in claimed.Where(n => MessageKinds.Of(n.Kind).Audience == Audience.Client))
        {
            await _delivery.EnterClaimAsync(entry);
        }
    }

    public async Task<BookingResult> CancelAsync(CancellationDetails cancellation)
    {
        if (State.Status is AppointmentStatus.Cancelled or AppointmentStatus.Rescheduled)
        {
            var unstored = Writer.Ahead.HasFlag(Unwritten.Change);
            if (!unstored && Listing.State != Listed.NotYet)
            {
                return new(State.Status, Changed: false);
            }
            if (unstored)
            {
                await StoreAsync();
                _delivery.Alarm.WakeIn(WakePolicy.Now);
            }
            await Listing.ListAsync(State.Details, State.Notifications);
            return new(State.Status, Changed: true);
        }

        var wasBooked = State.Details is not null;
        // Asked, as a create asks, before anything changes in memory (see BookAsync).
        var interrupted = !wasBooked && await this.GetReminder(WakeAlarm.ReminderName) is not null;
        Writer.Changing();
        if (!wasBooked)
        {
            Listing.Expect();
        }
        // A cancel that overtakes its create keeps the booking's details but sends nothing, now or later.
        State.Details ??= cancellation.Booking;
        State.Status = cancellation.Rescheduled ? AppointmentStatus.Rescheduled : AppointmentStatus.Cancelled;
        State.CancelledAt = cancellation.CanceledAt;
        State.CancelReason = cancellation.Reason;
        var now = _time.GetUtcNow();
        BookingRecords.Cancelled(State, cancellation, wasBooked, now);
        if (wasBooked)
        {
            var happened = cancellation.Rescheduled ? BookingEvent.CancelledForReschedule : BookingEvent.Cancelled;
            _rules.Apply(happened, State.Notifications, State.Details, now, cancellation.Booking.Source);
        }
        else if ((interrupted || State.EarlyStatuses.Count > 0) && State.Details.Phone is not null)
        {
            await OvertakeInterruptedCreateAsync(cancellation, interrupted, now);
        }
        if (State.Advisor is { } advisor)
        {
            await Advisors.ReleaseAsync(Id, advisor.Email, State.Details.StartTime);
        }

        await StoreAsync();
        _delivery.Alarm.WakeIn(WakePolicy.Now);
        if (!wasBooked)
        {
            await Listing.ListAsync(State.Details, State.Notifications);
        }
        LogCancelled(_logger, Id, State.Status);
        return new(State.Status, Changed: true);
    }

    /// <summary>
    /// A cancel that overtakes a create whose earlier attempt may have sent the first messages (it armed the wake-up, or
    /// Meta's statuses named them): they are planned and claimed as the create's retry would claim them, then everything
    /// is cancelled before anything is awaited, so nothing more goes; Meta's statuses record what that attempt sent, in
    /// the booking and in the client's record.
    /// </summary>
    private async Task OvertakeInterruptedCreateAsync(CancellationDetails cancellation, bool interrupted, DateTimeOffset now)
    {
        State.Notifications = _rules.Plan(State.Details!, canSend: true, now);
        var claimed = ClaimFirstSends(interrupted, now);
        foreach (var entry in State.Notifications.Where(n => n.State is NotificationState.Pending or NotificationState.Sending))
        {
            entry.State = NotificationState.Cancelled;
        }
        Records.PendingEntries.OptedIn(State.RecordPending, Id, cancellation.Booking.Source, now);
        await EnterClaimsAsync(claimed);
    }

    public Task<string?> RevealPhoneAsync() => Task.FromResult(State.Details?.Phone);

    public Task<AppointmentView?> GetAsync() => Task.FromResult(State.Status == AppointmentStatus.Unknown ? null : State.ToView(Id));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id}: an earlier attempt to store it armed its wake-up and was interrupted; its first messages wait for Meta's status")]
    private static partial void LogInterruptedFirstAttempt(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} booked: {Status}, phone {Phone}, meeting at {Start}")]
    private static partial void LogBooked(ILogger logger, string id, AppointmentStatus status, string phone, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} cancelled: {Status}")]
    private static partial void LogCancelled(ILogger logger, string id, AppointmentStatus status);
}
