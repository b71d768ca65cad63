namespace Turtle.Grains.Appointments;

/// <summary>An attention entry (SPEC §4) a step raises or clears once the booking is stored.</summary>
public sealed record AttentionChange(string Reason, bool Raise, DateTimeOffset Since = default, string? Detail = null);

/// <summary>What a client's answer, a no-show mark or a reply did to a booking, for the grain to carry out.</summary>
public sealed record JourneyStep
{
    /// <summary>Not for this booking (another number, a cancelled or unknown booking): nothing changes.</summary>
    public static JourneyStep Ignored { get; } = new() { Applies = false };

    public bool Applies { get; init; } = true;

    /// <summary>The state changed and must be stored.</summary>
    public bool Changed { get; init; }

    /// <summary>The event whose messages go out (or are cancelled), if any.</summary>
    public BookingEvent? Event { get; init; }

    /// <summary>Who caused it (<see cref="BookingSources"/>).</summary>
    public string By { get; init; } = BookingSources.ClientReply;

    /// <summary>The client asked to cancel and the meeting is still to be cancelled at Calendly.</summary>
    public bool CancelAtCalendly { get; init; }

    /// <summary>Raised or cleared also for a repeat, so an entry lost with a failed call comes back with the redelivery.</summary>
    public IReadOnlyList<AttentionChange> Attention { get; init; } = [];
}

/// <summary>
/// The client's side of a booking after it is stored (SPEC §5 "After booking"), as decisions on its state: the answer to
/// Reconfirm, Calendly's no-show mark, and replies. Each applies its change to the state and its history and says what
/// else must happen; the grain stores, sends and tells the attention list.
/// </summary>
public static class JourneyRules
{
    public static JourneyStep Answer(AppointmentState state, AttendanceAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(answer);
        if (!IsOpen(state) || !IsFromClient(state, answer.From))
        {
            return JourneyStep.Ignored;
        }
        if (state.Attendance == Attendance.NoShow)
        {
            // A tap after Calendly marked the no-show (the meeting is over) does not undo the mark.
            return new JourneyStep();
        }
        if (answer.Choice == AttendanceChoice.Cancel)
        {
            return RequestCancel(state, answer);
        }
        var declined = answer.Choice == AttendanceChoice.Decline;
        var attendance = declined ? Attendance.Declined : Attendance.Confirmed;
        var changed = state.Attendance != attendance;
        if (changed)
        {
            state.Attendance = attendance;
            state.Taps |= declined ? AttendanceTaps.Decline : AttendanceTaps.Attend;
            BookingRecords.Record(state, answer.At, BookingSources.ClientReply, declined ? "client declined the meeting (Reconfirm)" : "client confirmed they will attend (Reconfirm)");
        }
        return new JourneyStep
        {
            Changed = changed,
            Event = changed && declined ? BookingEvent.Declined : null,
            Attention = [declined
                ? new AttentionChange(AttentionReasonCodes.Declined, Raise: true, answer.At, "tapped decline on the attendance check; a reschedule offer is sent")
                : new AttentionChange(AttentionReasonCodes.Declined, Raise: false)],
        };
    }

    /// <summary>
    /// "Cancel" from the booking's own number, before the meeting starts: recorded, and the meeting is to be cancelled at
    /// Calendly, whose own <c>invitee.canceled</c> webhook then cancels the booking. A repeated tap changes nothing, unless
    /// the request never reached Calendly (the first tap's call failed on the way).
    /// </summary>
    private static JourneyStep RequestCancel(AppointmentState state, AttendanceAnswer answer)
    {
        if (answer.At >= state.Details!.StartTime)
        {
            return new JourneyStep();
        }
        if (state.CancelRequestedAt is not null)
        {
            return new JourneyStep { CancelAtCalendly = state.CancelRequestOutcome is null };
        }
        state.CancelRequestedAt = answer.At;
        BookingRecords.Record(state, answer.At, BookingSources.ClientReply, "client asked on WhatsApp to cancel the meeting (Reconfirm)");
        return new JourneyStep { Changed = true, CancelAtCalendly = true };
    }

    public static JourneyStep MarkNoShow(AppointmentState state, NoShowMark mark)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(mark);
        if (!IsOpen(state))
        {
            return JourneyStep.Ignored;
        }
        var attention = mark.NoShow
            ? new AttentionChange(AttentionReasonCodes.NoShow, Raise: true, mark.At, "marked a no-show in Calendly; a re-book invitation is sent")
            : new AttentionChange(AttentionReasonCodes.NoShow, Raise: false);
        var changed = mark.NoShow ? state.Attendance != Attendance.NoShow : state.Attendance == Attendance.NoShow;
        if (changed)
        {
            state.Attendance = mark.NoShow ? Attendance.NoShow : Attendance.Unknown;
            BookingRecords.Record(state, mark.At, mark.Source, mark.NoShow ? "marked a no-show in Calendly" : "no-show mark removed in Calendly");
        }
        return new JourneyStep
        {
            Changed = changed,
            Event = changed ? (mark.NoShow ? BookingEvent.NoShow : BookingEvent.NoShowRemoved) : null,
            By = mark.Source,
            Attention = [attention],
        };
    }

    public static JourneyStep Reply(AppointmentState state, ClientReply reply)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(reply);
        if (state.Details is null)
        {
            return JourneyStep.Ignored;
        }
        var changed = BookingRecords.AddReply(state, reply);
        var latest = state.Replies[^1];
        return new JourneyStep
        {
            Changed = changed,
            Attention = [new AttentionChange(AttentionReasonCodes.ClientReplied, Raise: true, latest.At, BookingRecords.Cut(latest.Text, 120))],
        };
    }

    /// <summary>Whether <paramref name="from"/> (E.164) is the booking's phone, or the WhatsApp id Meta answered for it.</summary>
    public static bool IsFromClient(AppointmentState state, string from)
    {
        ArgumentNullException.ThrowIfNull(state);
        var sender = PhoneMask.Digits(from ?? "");
        return sender.Length > 0
            && (sender == PhoneMask.Digits(state.Details?.Phone ?? "") || sender == PhoneMask.Digits(state.ClientWaId ?? ""));
    }

    /// <summary>Stored and still on: a cancelled or rescheduled booking takes no answers.</summary>
    private static bool IsOpen(AppointmentState state) =>
        state.Details is not null && state.Status is not (AppointmentStatus.Unknown or AppointmentStatus.Cancelled or AppointmentStatus.Rescheduled);
}
