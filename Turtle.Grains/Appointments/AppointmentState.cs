using Turtle.Grains.Advisors;

namespace Turtle.Grains.Appointments;

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

    public AppointmentView ToView(string id)
    {
        var booking = Details;
        return new AppointmentView
        {
            Id = id,
            Status = Status,
            ClientName = booking?.ClientName,
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
            Replies = [.. Replies],
            History = [.. History],
            BookedAt = booking is { CreatedAt: var created } && created != default ? created : null,
        };
    }
}

/// <summary>One planned message and what became of it.</summary>
[GenerateSerializer, Alias("Turtle.Notification")]
public sealed class Notification
{
    [Id(0)] public NotificationKind Kind { get; set; }
    /// <summary>For reminders: how long before the meeting; tells several reminders apart.</summary>
    [Id(1)] public TimeSpan? LeadTime { get; set; }
    [Id(2)] public DateTimeOffset DueAt { get; set; }
    [Id(3)] public NotificationState State { get; set; }
    [Id(4)] public int Attempts { get; set; }
    /// <summary>When a transient failure asked to try again.</summary>
    [Id(5)] public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>When the current attempt was claimed; a claim older than the send timeout was interrupted.</summary>
    [Id(6)] public DateTimeOffset? ClaimedAt { get; set; }
    [Id(7)] public string? MessageId { get; set; }
    [Id(8)] public DeliveryStatus DeliveryStatus { get; set; }
    [Id(9)] public string? LastError { get; set; }
    [Id(10)] public DateTimeOffset? SentAt { get; set; }
    /// <summary>When Meta reported it delivered, and read (the statuses' own timestamps).</summary>
    [Id(11)] public DateTimeOffset? DeliveredAt { get; set; }
    [Id(12)] public DateTimeOffset? ReadAt { get; set; }
    /// <summary>Meta's status of an accepted message when not plain acceptance, e.g. <c>held_for_quality_assessment</c>.</summary>
    [Id(13)] public string? MetaStatus { get; set; }
    /// <summary>
    /// Who asked for it to go at once (<see cref="BookingSources"/>: the webhook that stored the booking, the client who
    /// declined); null for a message that waited for its time, which the reminder sends.
    /// </summary>
    [Id(14)] public string? Trigger { get; set; }

    public NotificationView ToView() => new()
    {
        Kind = Kind,
        LeadTime = LeadTime,
        DueAt = DueAt,
        State = State,
        Attempts = Attempts,
        MessageId = MessageId,
        DeliveryStatus = DeliveryStatus,
        LastError = LastError,
        SentAt = SentAt,
        DeliveredAt = DeliveredAt,
        ReadAt = ReadAt,
        MetaStatus = MetaStatus,
    };
}
