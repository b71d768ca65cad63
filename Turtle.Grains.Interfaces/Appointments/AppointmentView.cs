namespace Turtle.Grains.Appointments;

/// <summary>A booking as the admin API shows it. The phone number is masked before it leaves the grain.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.AppointmentView")]
public sealed record AppointmentView
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required AppointmentStatus Status { get; init; }
    [Id(2)] public string? ClientName { get; init; }
    [Id(3)] public string? PhoneMasked { get; init; }
    [Id(4)] public string? TimeZone { get; init; }
    [Id(5)] public string? EventName { get; init; }
    [Id(6)] public DateTimeOffset? StartTime { get; init; }
    [Id(7)] public DateTimeOffset? EndTime { get; init; }
    [Id(8)] public string? AdvisorName { get; init; }
    [Id(9)] public string? AdvisorEmail { get; init; }
    [Id(10)] public IReadOnlyList<NotificationView> Notifications { get; init; } = [];
    [Id(11)] public string? OldInviteeId { get; init; }
    /// <summary>Why this advisor was assigned, or why none could be.</summary>
    [Id(12)] public string? AssignmentReason { get; init; }
    [Id(13)] public DateTimeOffset? CancelledAt { get; init; }
    [Id(14)] public string? CancelReason { get; init; }
    [Id(15)] public Attendance Attendance { get; init; }
    /// <summary>The client's messages, oldest first (the newest 50, <c>BookingRecords.ReplyCapacity</c>).</summary>
    [Id(16)] public IReadOnlyList<ClientReply> Replies { get; init; } = [];
    /// <summary>What happened to the booking, oldest first (the newest 100, <c>BookingRecords.HistoryCapacity</c>).</summary>
    [Id(17)] public IReadOnlyList<HistoryEntry> History { get; init; } = [];
    /// <summary>When the client booked (Calendly's <c>created_at</c>).</summary>
    [Id(18)] public DateTimeOffset? BookedAt { get; init; }
    /// <summary>The language the client is written to in (SPEC §15).</summary>
    [Id(19)] public string? Language { get; init; }
    /// <summary>When the client's personal data was erased from the booking (SPEC §13); null while it holds it.</summary>
    [Id(20)] public DateTimeOffset? ClientErasedAt { get; init; }
}

/// <summary>What <see cref="IAppointmentGrain.EraseClientAsync"/> found.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.ClientErasure")]
public sealed record ClientErasure([property: Id(0)] bool WasTheClients, [property: Id(1)] string? WaId);

[GenerateSerializer, Immutable, Alias("Turtle.NotificationView")]
public sealed record NotificationView
{
    [Id(0)] public required NotificationKind Kind { get; init; }
    [Id(1)] public required DateTimeOffset DueAt { get; init; }
    [Id(2)] public required NotificationState State { get; init; }
    [Id(3)] public int Attempts { get; init; }
    [Id(4)] public string? MessageId { get; init; }
    [Id(5)] public DeliveryStatus DeliveryStatus { get; init; }
    [Id(6)] public string? LastError { get; init; }
    [Id(7)] public DateTimeOffset? SentAt { get; init; }
    /// <summary>Lead time before the meeting, for reminders; distinguishes several reminders.</summary>
    [Id(8)] public TimeSpan? LeadTime { get; init; }
    [Id(9)] public DateTimeOffset? DeliveredAt { get; init; }
    [Id(10)] public DateTimeOffset? ReadAt { get; init; }
    /// <summary>Meta's status of an accepted message when not plain acceptance, e.g. <c>held_for_quality_assessment</c>.</summary>
    [Id(11)] public string? MetaStatus { get; init; }
    /// <summary>When a person last had this failed message sent again, and from where (<see cref="BookingSources"/>); the booking's history shows it.</summary>
    [Id(20)] public DateTimeOffset? RetriedAt { get; init; }
    [Id(21)] public string? RetriedBy { get; init; }
}

/// <summary>What a booking call did, so the webhook can answer only after the state is durable.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.BookingResult")]
public sealed record BookingResult([property: Id(0)] AppointmentStatus Status, [property: Id(1)] bool Changed);
