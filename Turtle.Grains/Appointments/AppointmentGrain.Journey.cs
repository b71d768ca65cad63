using Microsoft.Extensions.Logging;
using Turtle.Grains.Attention;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments;

/// <summary>
/// The client's journey after booking (SPEC §5): attendance answers, no-show marks and replies, each decided by
/// <see cref="JourneyRules"/> and carried out here.
/// </summary>
public sealed partial class AppointmentGrain
{
    public async Task<bool> AnswerAttendanceAsync(AttendanceAnswer answer)
    {
        var step = await FollowAsync(state => JourneyRules.Answer(state, answer));
        if (step.CancelAtCalendly)
        {
            await CancelAtCalendlyAsync();
        }
        return step.Applies;
    }

    /// <summary>
    /// The client asked to cancel: the meeting is cancelled at Calendly, and Calendly's <c>invitee.canceled</c> webhook then
    /// cancels the booking and sends the Cancellation as any cancel does. What Calendly could not do goes to a person.
    /// </summary>
    private async Task CancelAtCalendlyAsync()
    {
        var refused = await _calendly.CancelAsync(State.Details!);
        var now = _time.GetUtcNow();
        State.CancelRequestOutcome = refused ?? "cancelled at Calendly";
        BookingRecords.Record(State, now, BookingSources.ClientReply, refused is null
            ? $"meeting cancelled at Calendly (\"{Calendly.MeetingCanceller.Reason}\")"
            : $"the meeting could not be cancelled at Calendly: {refused}");
        if (refused is not null)
        {
            BookingAttention.Raise(State, AttentionReasonCodes.CancelRequested, State.CancelRequestedAt ?? now, $"tapped cancel on the attendance check; {refused}");
        }
        LogCancelRequested(_logger, Id, refused is null);
        await StoreAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id}: the client asked to cancel on WhatsApp; cancelled at Calendly: {Cancelled}")]
    private static partial void LogCancelRequested(ILogger logger, string id, bool cancelled);

    public async Task<BookingResult> MarkNoShowAsync(NoShowMark mark)
    {
        var step = await FollowAsync(state => JourneyRules.MarkNoShow(state, mark));
        return new(State.Status, step.Changed);
    }

    public Task RecordReplyAsync(ClientReply reply) => FollowAsync(state => JourneyRules.Reply(state, reply));

    /// <summary>
    /// Carries out a step of the client's journey: records its reasons for a person in the booking, stores it, lets its
    /// messages go, and tells the attention list. What memory holds that storage does not (a send's outcome, an earlier
    /// step whose storing failed) is stored before the step is decided: when that fails the caller is refused with the
    /// booking unchanged, and a step decided earlier but not stored is stored by its retry rather than found done in
    /// memory (a no-show answered "unchanged" and lost with the activation).
    /// </summary>
    private async Task<JourneyStep> FollowAsync(Func<AppointmentState, JourneyStep> decide)
    {
        if (Writer.Ahead.HasFlag(Unwritten.Change))
        {
            await StoreAsync();
        }
        else if (Writer.HoldsUnrecordedOutcome)
        {
            await Writer.WriteAsync();
        }
        var step = decide(State);
        if (!step.Applies)
        {
            return step;
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
            Writer.Changing();
            await StoreAsync();
            _delivery.Alarm.WakeIn(WakePolicy.Now);
        }
        return step;
    }
}
