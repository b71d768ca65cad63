using Microsoft.Extensions.Logging;
using Turtle.Grains.Advisors;
using Turtle.Grains.Attention;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Appointments;

/// <summary>
/// A stored booking's messages: Meta's statuses, a person's retry, and every wake-up (its reminder, the watchdog's
/// sweep, a send's late answer), each ending with the booking stored, armed, listed and the attention list told. Every
/// wake-up goes through the dispatcher's one <see cref="MessageDispatcher.ProcessAsync"/>.
/// </summary>
public sealed partial class AppointmentGrain
{
    public async Task<bool> ApplyDeliveryStatusAsync(DeliveryStatusUpdate update)
    {
        if (State.Status == AppointmentStatus.Unknown)
        {
            return await KeepEarlyStatusAsync(update);
        }
        // A failure applied before, whose storing failed, is stored by Meta's retry rather than found applied in memory.
        await CatchUpAsync();
        switch (_delivery.ApplyStatus(update))
        {
            case StatusEffect.NotOurs:
                return false;
            case StatusEffect.Progressed:
                // Meta's sent, delivered and read of a message come seconds apart and are not sent again once answered:
                // written behind, once for the lot. A failure or a send heard of by its status is written before the answer.
                Writer.WriteSoon();
                break;
            case StatusEffect.Replanned:
                // Recorded as sent from its status (the wake-up its claim had armed is re-armed to what is left), or failed
                // at Meta (the booking needs a person, and stays armed until the attention list is told).
                Writer.Changing();
                await StoreAsync();
                break;
        }
        return true;
    }

    /// <summary>
    /// Stores what memory holds that storage does not before a call decides anything: a change an earlier call made whose
    /// storing failed (its retry must store it, not find it done in memory and answer "unchanged"), or a send's outcome.
    /// </summary>
    private async Task CatchUpAsync()
    {
        if (Writer.Ahead.HasFlag(Unwritten.Change))
        {
            await StoreAsync();
        }
        else if (Writer.HoldsUnrecordedOutcome)
        {
            await Writer.WriteAsync();
        }
    }

    /// <summary>
    /// A status about a booking not stored yet: its silo sent the booking's first messages and died before the first
    /// write. Kept (only with the kind its callback data named), so the webhook's retry that stores the booking finds the
    /// messages Meta already took and does not send them again.
    /// </summary>
    private async Task<bool> KeepEarlyStatusAsync(DeliveryStatusUpdate update)
    {
        if (update.Kind is null || update.Status == DeliveryStatus.None)
        {
            return false;
        }
        if (!State.EarlyStatuses.Any(s => s.MessageId == update.MessageId && s.Status == update.Status)
            && State.EarlyStatuses.Count < AppointmentState.EarlyStatusCapacity)
        {
            State.EarlyStatuses.Add(update);
            await Writer.WriteAsync();
            LogEarlyStatus(_logger, Id, update.Kind.Value, update.Status);
        }
        return true;
    }

    /// <summary>
    /// Applies the statuses that came before the booking was stored to its newly planned messages: each message Meta took
    /// counts as claimed and answered by its status, and is not sent again.
    /// </summary>
    /// <returns>The messages claimed for them, to be entered for the client's record.</returns>
    private List<Notification> ApplyEarlyStatuses()
    {
        var claimed = new List<Notification>();
        foreach (var update in State.EarlyStatuses.OrderBy(s => s.At))
        {
            if (!State.Notifications.Any(n => n.MessageId == update.MessageId)
                && State.Notifications.Find(n => n.Kind == update.Kind && n is { State: NotificationState.Pending, MessageId: null }) is { } unclaimed)
            {
                SendRules.Claim(unclaimed, update.At);
                claimed.Add(unclaimed);
            }
            _delivery.ApplyStatus(update);
        }
        State.EarlyStatuses.Clear();
        return claimed;
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
        BookingRecords.Record(State, now, by, $"{kind} to be sent again (it had failed: {entry.LastError})");
        // Stored due before it is sent: a retry asked for is never lost with the activation.
        await Writer.WriteAsync();
        LogRetried(_logger, Id, kind, by);
        await _delivery.ProcessAsync(answerBy: now + _options.Value.BookingAnswerDeadline);
        return new RetryResult(RetryOutcome.Retried, Notification: entry.ToView());
    }

    public async Task<bool> WakeAsync()
    {
        var due = State.Details is not null && _rules.NextDue(State.Notifications, _time.GetUtcNow()) is not null;
        if (due)
        {
            LogWokenBySweep(_logger, Id);
        }
        _target.Record.Schedule();
        _target.Insight.Schedule();
        await _delivery.ProcessAsync();
        return due;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Status == AppointmentStatus.Unknown && _time.GetUtcNow() < new DateTimeOffset(DateTime.SpecifyKind(status.FirstTickTime, DateTimeKind.Utc)) + _options.Value.SendTimeout)
        {
            // Armed by an attempt to store the booking that never wrote it (its silo died): the reminder stays a while, as
            // the sign the webhook's retry needs that the first messages may have gone (BookAsync).
            return;
        }
        _delivery.Alarm.Ticked(status);
        // Due messages first: what a lost activation left unflushed or untold goes to the record and the insight behind them.
        _target.Record.Schedule();
        _target.Insight.Schedule();
        await Listing.ListAsync(State.Details, State.Notifications);
        await ArmAgendaAsync();
        await _delivery.ProcessAsync();
    }

    /// <summary>
    /// Arms the wake-up, then writes: a stored plan is never left without one, nor a reason that needs a person untold
    /// (the reminder stays until the attention list has it). Then tells the attention list.
    /// </summary>
    private async Task StoreAsync()
    {
        BookingAttention.Review(State, _time.GetUtcNow());
        await _delivery.ArmAsync();
        await Writer.StoreChangeAsync();
        await TellAttentionAsync();
    }

    /// <summary>Tells the attention list what the stored booking changed; what it could not tell, a later wake-up does.</summary>
    private async Task TellAttentionAsync()
    {
        if (!await _target.TellAttentionAsync())
        {
            _delivery.Alarm.WakeIn(WakePolicy.SettleRetry);
        }
    }

    /// <summary>Lists a stored booking where it is looked for: its day, its client's number, its advisor's agenda.</summary>
    private async Task ListAsync()
    {
        await Listing.ListAsync(State.Details, State.Notifications);
        if (State.Details?.Phone is { } phone)
        {
            _ = GrainFactory.GetGrain<IRecipientGrain>(phone).BookedAsync(Id);
        }
        await ArmAgendaAsync();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} {Kind}: Meta's {Status} status came before the booking was stored; kept for its creation")]
    private static partial void LogEarlyStatus(ILogger logger, string id, NotificationKind kind, DeliveryStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} {Kind}: sent again, asked by {By}")]
    private static partial void LogRetried(ILogger logger, string id, NotificationKind kind, string by);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} woken by the watchdog: a message was due and unsent (its reminder tick was lost)")]
    private static partial void LogWokenBySweep(ILogger logger, string id);
}
