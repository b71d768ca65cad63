using Turtle.Grains.Advisors;
using Turtle.Grains.Attention;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments;

/// <summary>The attendance buttons a client tapped (the cancel button is <see cref="AppointmentState.CancelRequestedAt"/>).</summary>
[Flags, GenerateSerializer, Alias("Turtle.AttendanceTaps")]
public enum AttendanceTaps
{
    None = 0,
    Attend = 1,
    Decline = 2,
}

/// <summary>A booking as persisted: what Calendly said, who advises, and every message with its state.</summary>
[GenerateSerializer, Alias("Turtle.AppointmentState")]
public sealed class AppointmentState
{
    [Id(0)] public AppointmentStatus Status { get; set; }
    /// <summary>What Calendly said of the booking; null until an event for this invitee arrived.</summary>
    [Id(1)] public BookingDetails? Details { get; set; }
    /// <summary>The advisor as assigned at booking; the bio itself is re-read from the sheet when sent.</summary>
    [Id(2)] public Advisor? Advisor { get; set; }
    [Id(3)] public List<Notification> Notifications { get; set; } = [];
    [Id(4)] public DateTimeOffset? CancelledAt { get; set; }
    [Id(5)] public string? CancelReason { get; set; }
    /// <summary>Why this advisor (or why none): shown to operators.</summary>
    [Id(6)] public string? AssignmentReason { get; set; }
    /// <summary>The client's WhatsApp id when Meta answered with one that differs from the number (replies and STOP come from it).</summary>
    [Id(7)] public string? ClientWaId { get; set; }
    [Id(8)] public Attendance Attendance { get; set; }
    /// <summary>The client's messages, oldest first; the newest <see cref="BookingRecords.ReplyCapacity"/> are kept.</summary>
    [Id(9)] public List<ClientReply> Replies { get; set; } = [];
    /// <summary>What happened, oldest first; the newest <see cref="BookingRecords.HistoryCapacity"/> are kept.</summary>
    [Id(10)] public List<HistoryEntry> History { get; set; } = [];
    /// <summary>Why the booking needs a person, as told (or still to be told) to the attention list (<see cref="BookingAttention"/>).</summary>
    [Id(20)] public List<AttentionMark> Attention { get; set; } = [];
    /// <summary>
    /// Meta's statuses that came before the booking was stored (its silo died between sending and the first write): its
    /// creation applies them, so a confirmation Meta took is not sent again (SPEC §6). At most <see cref="EarlyStatusCapacity"/>.
    /// </summary>
    [Id(21)] public List<DeliveryStatusUpdate> EarlyStatuses { get; set; } = [];

    /// <summary>
    /// Entries for the client's record written with this state and not yet flushed there (<see cref="Records.PendingEntries"/>):
    /// a booking's sends and statuses reach the record without a write of their own on the way the booking is stored.
    /// </summary>
    [Id(30)] public List<Records.RecordEntry> RecordPending { get; set; } = [];

    /// <summary>When the client's personal data was erased from this booking (SPEC §13); null while it holds it.</summary>
    [Id(40)] public DateTimeOffset? ClientErasedAt { get; set; }

    /// <summary>The attendance buttons the client tapped (SPEC §16 counts them; a later tap may change the attendance).</summary>
    [Id(31)] public AttendanceTaps Taps { get; set; }

    /// <summary>
    /// The tally the booking's day of insight last said it stored (<see cref="Insights.BookingTally.Signature"/>); null
    /// before it was told. Kept with the booking's next write: until then a new activation tells it again, which changes nothing.
    /// </summary>
    [Id(32)] public string? InsightTold { get; set; }

    /// <summary>When the retention sweep removed the client's personal data (<see cref="BookingRetention"/>); null while it holds it.</summary>
    [Id(41)] public DateTimeOffset? PersonalDataRemovedAt { get; set; }

    public const int EarlyStatusCapacity = 16;

    /// <summary>When the client tapped "cancel" on the attendance check (SPEC §15); null when they have not.</summary>
    [Id(22)] public DateTimeOffset? CancelRequestedAt { get; set; }
    /// <summary>What became of that request at Calendly; null while it is still to be made.</summary>
    [Id(23)] public string? CancelRequestOutcome { get; set; }
    /// <summary>The language the client is written to in (SPEC §15); null for a booking stored before languages were kept.</summary>
    [Id(24)] public string? Language { get; set; }

    /// <summary>The event that ended the booking (a cancel, or a cancel for a reschedule); null while it is on.</summary>
    public BookingEvent? EndedBy() => Status switch
    {
        AppointmentStatus.Cancelled => BookingEvent.Cancelled,
        AppointmentStatus.Rescheduled => BookingEvent.CancelledForReschedule,
        _ => null,
    };

    public AppointmentView ToView(string id)
    {
        var booking = Details;
        return new AppointmentView
        {
            Id = id,
            Status = Status,
            ClientName = string.IsNullOrEmpty(booking?.ClientName) ? null : booking.ClientName,
            PhoneMasked = booking?.Phone is null ? null : PhoneMask.Mask(booking.Phone),
            TimeZone = booking?.TimeZone,
            EventName = booking?.EventName,
            StartTime = booking?.StartTime,
            EndTime = booking?.EndTime,
            AdvisorName = Advisor?.Name,
            AdvisorEmail = Advisor?.Email,
            AssignmentReason = AssignmentReason,
            OldInviteeId = booking?.OldInviteeUri is { } old ? InviteeId.FromUri(old) : null,
            CancelledAt = CancelledAt,
            CancelReason = CancelReason,
            Notifications = [.. Notifications.Select(n => n.ToView())],
            Attendance = Attendance,
            Language = Language,
            Replies = [.. Replies],
            History = [.. History],
            BookedAt = booking is { CreatedAt: var created } && created != default ? created : null,
            ClientErasedAt = ClientErasedAt,
        };
    }
}
