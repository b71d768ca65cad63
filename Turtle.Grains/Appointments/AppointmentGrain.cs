using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Advisors;
using Turtle.Grains.Attention;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Appointments;

/// <summary>
/// One booking: its state, and the commands that book and cancel it (this file); what happens to its messages once
/// stored (<c>AppointmentGrain.Messages.cs</c>) and the client's journey (<c>AppointmentGrain.Journey.cs</c>). What to
/// send and when is decided by <see cref="MessageRules"/>, sending, writing and waking by the
/// <see cref="MessageDispatcher"/> every holder of messages shares (this booking's part of it is its
/// <see cref="BookingTarget"/>), and what needs a person by <see cref="BookingAttention"/>.
/// </summary>
public sealed partial class AppointmentGrain : Grain, IAppointmentGrain, IRemindable
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
        _target = new BookingTarget(this, state, delivery.Grains, rules, recipients, languages, delivery.Policy, delivery.Time, logger);
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
        return Task.CompletedTask;
    }

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
        ApplyEarlyStatuses();
        if (interrupted)
        {
            // An earlier attempt to store this booking armed its wake-up, so it may have sent the first messages before
            // its silo died: they count as claimed then. Meta's status records them sent; only silence until the send
            // timeout sends them again.
            await ClaimInterruptedFirstSendsAsync(now);
        }
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

    private async Task ClaimInterruptedFirstSendsAsync(DateTimeOffset now)
    {
        var claimed = State.Notifications.Where(n => n is { State: NotificationState.Pending, MessageId: null } && n.DueAt <= now).ToList();
        // All are claimed before any is entered: entering calls other grains, and a failure there must leave none of
        // them unclaimed in memory for the webhook's retry to store as due.
        foreach (var entry in claimed)
        {
            SendRules.Claim(entry, now);
            entry.LastError = "an earlier attempt to store the booking was interrupted and may have sent it: "
                + $"waiting for Meta's status until {now + _options.Value.SendTimeout:u}";
        }
        foreach (var entry in claimed)
        {
            // Entered as it went, so the status that tells Meta took it completes an entry with what it said.
            await _delivery.EnterClaimAsync(entry);
        }
        LogInterruptedFirstAttempt(_logger, Id);
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
        _delivery.Alarm.WakeIn(WakePolicy.Now);
        if (!wasBooked)
        {
            await Listing.ListAsync(State.Details, State.Notifications);
        }
        LogCancelled(_logger, Id, State.Status);
        return new(State.Status, Changed: true);
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
