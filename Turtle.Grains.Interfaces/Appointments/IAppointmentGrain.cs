namespace Turtle.Grains.Appointments;

/// <summary>One booking, keyed by the Calendly invitee UUID.</summary>
public interface IAppointmentGrain : IGrainWithStringKey
{
    /// <summary>Stores an <c>invitee.created</c> event and plans its messages. Repeats change nothing.</summary>
    Task<BookingResult> BookAsync(BookingDetails booking);

    /// <summary>Applies an <c>invitee.canceled</c> event. Repeats change nothing.</summary>
    Task<BookingResult> CancelAsync(CancellationDetails cancellation);

    /// <summary>
    /// Applies a WhatsApp delivery status to the message it is about, found by Meta's message id, else (a send whose answer
    /// was lost) by the kind the callback data named. Late or repeated statuses never downgrade. A status for a booking not
    /// stored yet (its silo died before the first write) is kept, and the booking's creation finds it.
    /// </summary>
    /// <returns>Whether the status was about one of this booking's messages.</returns>
    Task<bool> ApplyDeliveryStatusAsync(DeliveryStatusUpdate update);

    /// <summary>
    /// Sends whatever is due and re-arms, as a reminder tick would: the per-day sweep's call when a booking's tick was lost
    /// (Orleans does not replay ticks missed while no silo owned the reminder). Whether a message was due.
    /// </summary>
    Task<bool> WakeAsync();

    /// <summary>
    /// A tap on a Reconfirm button. Applied only when it comes from the booking's own number (or the WhatsApp id Meta
    /// answered for it) and the booking is stored and not cancelled; returns whether it was. Repeats change nothing.
    /// </summary>
    Task<bool> AnswerAttendanceAsync(AttendanceAnswer answer);

    /// <summary>Applies <c>invitee_no_show.created</c> / <c>.deleted</c>. Repeats change nothing.</summary>
    Task<BookingResult> MarkNoShowAsync(NoShowMark mark);

    /// <summary>Records a message of the client's (routed here by <see cref="Messaging.IRecipientGrain.BookingForReplyAsync"/>); a redelivery is kept once.</summary>
    Task RecordReplyAsync(ClientReply reply);

    /// <summary>
    /// Sends a failed message of this kind again, once, through the same claimed path as every send (SPEC §4
    /// <c>POST /api/appointments/{id}/notifications/{kind}/retry</c>); <paramref name="by"/> is recorded with it
    /// (<see cref="BookingSources"/>). Refused when no message of the kind is failed, the booking was cancelled, or the
    /// meeting has started (for kinds that go only before it).
    /// </summary>
    Task<RetryResult> RetryNotificationAsync(NotificationKind kind, string by);

    /// <summary>
    /// The client's full number (E.164), or null when the booking has none: for an operator who asked to see it, the
    /// caller audits the asking. Every other read shows the number masked.
    /// </summary>
    [AlwaysInterleave]
    Task<string?> RevealPhoneAsync();

    /// <summary>
    /// Removes the client's personal data (SPEC §13): name, number, e-mail, answers, replies, the history's words naming
    /// them, their links; the messages not sent yet are cancelled. Only when the booking's number is <paramref name="phone"/>;
    /// repeating it changes nothing. <paramref name="keepRecord"/>: the entries the booking still holds for the record go
    /// there first, else they are dropped.
    /// </summary>
    /// <returns>Whether the booking was the client's and is erased now (false for one erased before), and the WhatsApp id Meta knew the client by when it differed.</returns>
    Task<ClientErasure> EraseClientAsync(string phone, string by, bool keepRecord);

    /// <summary>
    /// Removes the client's personal data from a booking whose meeting ended before <paramref name="endedBefore"/>
    /// (SPEC §13, <c>Records:BookingRetention</c>): no name, phone, e-mail, answers or replies' text stay; counts and times
    /// do. True when the booking holds none now (or never was stored); false when its meeting ended later, or its record
    /// entries are not all in the record yet (a later sweep tries again). Repeating it changes nothing.
    /// </summary>
    Task<bool> RemovePersonalDataAsync(DateTimeOffset endedBefore);

    /// <summary>The booking and its notifications, or null when nothing was ever stored under this key.</summary>
    [AlwaysInterleave]
    Task<AppointmentView?> GetAsync();
}
