using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments;

/// <summary>Who a message goes to: the client (the booking's phone) or the assigned advisor (the sheet's <c>Phone</c>).</summary>
public enum Audience
{
    Client,
    Advisor,
}

/// <summary>Until when a message may still go out.</summary>
public enum SendUntil
{
    /// <summary>Nothing of this kind is sent once the meeting has started (SPEC §5).</summary>
    MeetingStart,
    /// <summary>Sent after the meeting too (a follow-up, a missed-meeting note).</summary>
    Anytime,
}

/// <summary>What becomes of a planned message whose time had already passed when the booking arrived.</summary>
public enum WhenPassedAtBooking
{
    Skip,
    SendAtOnce,
}

/// <summary>Something that happens to a stored booking and may cancel planned messages or send new ones at once.</summary>
public enum BookingEvent
{
    /// <summary><c>invitee.canceled</c> that is not half of a reschedule.</summary>
    Cancelled,
    /// <summary><c>invitee.canceled</c> with <c>rescheduled=true</c>: the new invitee's messages cover it.</summary>
    CancelledForReschedule,
    /// <summary>The client tapped "decline" on the Reconfirm message.</summary>
    Declined,
    /// <summary><c>invitee_no_show.created</c>: Calendly marked the client a no-show.</summary>
    NoShow,
    /// <summary><c>invitee_no_show.deleted</c>: the no-show mark was taken back.</summary>
    NoShowRemoved,
}

/// <summary>A message a kind plans when a booking is stored: when it falls due, and the lead time that tells several apart.</summary>
public readonly record struct PlannedMessage(DateTimeOffset DueAt, TimeSpan? LeadTime = null);

/// <summary>
/// One message kind's rules (SPEC §5, §6): who gets it, when it is planned or sent, until when it may go out, and which
/// events cancel it. Adding a kind is one entry here and its template in <see cref="Messaging.MessageTemplates"/>.
/// </summary>
public sealed record KindRule
{
    public required NotificationKind Kind { get; init; }

    public Audience Audience { get; init; } = Audience.Client;

    /// <summary>The messages of this kind a booking stored now plans; none for kinds only an event sends.</summary>
    public Func<BookingDetails, NotificationOptions, DateTimeOffset, IEnumerable<PlannedMessage>> PlannedAtBooking { get; init; } = (_, _, _) => [];

    public WhenPassedAtBooking IfPassedAtBooking { get; init; } = WhenPassedAtBooking.Skip;

    public SendUntil SendUntil { get; init; } = SendUntil.MeetingStart;

    /// <summary>The event that sends this kind at once, if any.</summary>
    public BookingEvent? SentOn { get; init; }

    /// <summary>Events that cancel this kind while it is still pending.</summary>
    public IReadOnlySet<BookingEvent> CancelledBy { get; init; } = new HashSet<BookingEvent> { BookingEvent.Cancelled, BookingEvent.CancelledForReschedule };

    /// <summary>Its text names the advisor: it waits until one is assigned.</summary>
    public bool NeedsAdvisor { get; init; }

    /// <summary>Sent on its event only when a message of this kind went out first (no "cancelled" for a booking never announced).</summary>
    public NotificationKind? OnlyAfter { get; init; }
}

/// <summary>Every kind's rules.</summary>
public static class MessageKinds
{
    private static readonly IReadOnlyDictionary<NotificationKind, KindRule> Rules = new KindRule[]
    {
        new()
        {
            Kind = NotificationKind.Confirmation,
            PlannedAtBooking = (booking, _, now) => booking.OldInviteeUri is null ? [new(now)] : [],
            IfPassedAtBooking = WhenPassedAtBooking.SendAtOnce,
        },
        new()
        {
            Kind = NotificationKind.Rescheduled,
            PlannedAtBooking = (booking, _, now) => booking.OldInviteeUri is null ? [] : [new(now)],
            IfPassedAtBooking = WhenPassedAtBooking.SendAtOnce,
        },
        new()
        {
            Kind = NotificationKind.AdvisorBio,
            PlannedAtBooking = (booking, options, _) => [new(booking.StartTime - options.AdvisorBioLeadTime)],
            // The client must know the advisor before the meeting.
            IfPassedAtBooking = WhenPassedAtBooking.SendAtOnce,
            NeedsAdvisor = true,
        },
        new()
        {
            Kind = NotificationKind.Reminder,
            PlannedAtBooking = (booking, options, _) => options.ReminderLeadTimes.Distinct().OrderByDescending(t => t)
                .Select(lead => new PlannedMessage(booking.StartTime - lead, lead)),
        },
        new()
        {
            Kind = NotificationKind.Cancellation,
            SentOn = BookingEvent.Cancelled,
            CancelledBy = new HashSet<BookingEvent>(),
        },
        new()
        {
            Kind = NotificationKind.Reconfirm,
            PlannedAtBooking = (booking, options, _) => [new(booking.StartTime - options.ReconfirmLeadTime)],
        },
        new()
        {
            Kind = NotificationKind.RescheduleOffer,
            SentOn = BookingEvent.Declined,
        },
        new()
        {
            Kind = NotificationKind.FollowUp,
            PlannedAtBooking = (booking, options, _) => [new(Ends(booking) + options.FollowUpDelay)],
            SendUntil = SendUntil.Anytime,
            CancelledBy = new HashSet<BookingEvent> { BookingEvent.Cancelled, BookingEvent.CancelledForReschedule, BookingEvent.NoShow },
        },
        new()
        {
            Kind = NotificationKind.NoShow,
            SentOn = BookingEvent.NoShow,
            SendUntil = SendUntil.Anytime,
            CancelledBy = new HashSet<BookingEvent> { BookingEvent.Cancelled, BookingEvent.CancelledForReschedule, BookingEvent.NoShowRemoved },
        },
        // The advisor's notices come after the client's in this list: among messages due at once, the client's go first.
        new()
        {
            Kind = NotificationKind.AdvisorBooked,
            Audience = Audience.Advisor,
            PlannedAtBooking = (_, _, now) => [new(now)],
            IfPassedAtBooking = WhenPassedAtBooking.SendAtOnce,
            NeedsAdvisor = true,
        },
        new()
        {
            Kind = NotificationKind.AdvisorCancelled,
            Audience = Audience.Advisor,
            SentOn = BookingEvent.Cancelled,
            CancelledBy = new HashSet<BookingEvent>(),
            OnlyAfter = NotificationKind.AdvisorBooked,
        },
        new()
        {
            Kind = NotificationKind.AdvisorDeclined,
            Audience = Audience.Advisor,
            SentOn = BookingEvent.Declined,
        },
        // Not a booking's message: the advisor's agenda grain plans it, for a day, and sends it until that day ends.
        new()
        {
            Kind = NotificationKind.AdvisorAgenda,
            Audience = Audience.Advisor,
            SendUntil = SendUntil.Anytime,
        },
    }.ToDictionary(r => r.Kind);

    public static KindRule Of(NotificationKind kind) => Rules[kind];

    public static IEnumerable<KindRule> All => Rules.Values;

    /// <summary>When the meeting ends; a booking Calendly sent no end time for ends when it starts.</summary>
    private static DateTimeOffset Ends(BookingDetails booking) => booking.EndTime > booking.StartTime ? booking.EndTime : booking.StartTime;
}
