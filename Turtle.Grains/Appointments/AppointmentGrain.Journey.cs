namespace Turtle.Grains.Appointments;

/// <summary>
/// The client's journey after booking (SPEC §5): attendance answers, no-show marks and replies, each decided by
/// <see cref="JourneyRules"/> and carried out here.
/// </summary>
public sealed partial class AppointmentGrain
{
    public Task<bool> AnswerAttendanceAsync(AttendanceAnswer answer) => FollowAsync(JourneyRules.Answer(State, answer));

    public async Task<BookingResult> MarkNoShowAsync(NoShowMark mark)
    {
        var step = JourneyRules.MarkNoShow(State, mark);
        await FollowAsync(step);
        return new(State.Status, step.Changed);
    }

    public Task RecordReplyAsync(ClientReply reply) => FollowAsync(JourneyRules.Reply(State, reply));

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
}
