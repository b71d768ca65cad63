using Turtle.Grains.Appointments;

namespace Turtle.Grains.Delivery;

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
    /// <summary>When it last failed for good (Meta refused it, gave up retrying, or reported it failed after accepting it).</summary>
    [Id(20)] public DateTimeOffset? FailedAt { get; set; }
    /// <summary>When a person last had it sent again, and from where (<see cref="BookingSources"/>).</summary>
    [Id(21)] public DateTimeOffset? RetriedAt { get; set; }
    [Id(22)] public string? RetriedBy { get; set; }
    /// <summary>Meta's per-user marketing limit (131049) held it back once: the one retry it gets has been given.</summary>
    [Id(23)] public bool PerUserLimitRetried { get; set; }
    /// <summary>Its client's language has no approved template: it goes in the default language (SPEC §15).</summary>
    [Id(24)] public bool LanguageFallback { get; set; }

    /// <summary>
    /// This activation has a request at Meta for it whose answer it has not recorded yet. Memory only (not serialized): a
    /// new activation has none in flight, so a claim it finds was either answered or never will be.
    /// </summary>
    [field: NonSerialized]
    public bool InFlight { get; set; }

    /// <summary>Failed for good: refused, out of attempts, or accepted by Meta and then reported failed.</summary>
    public bool IsFailed => State == NotificationState.Failed || (State == NotificationState.Sent && DeliveryStatus == DeliveryStatus.Failed);

    /// <summary>Meta reported it failed after accepting it, and it waits to be tried again (a retryable code, 131049).</summary>
    public bool FailedAtMeta => FailedAt is not null && State is NotificationState.Pending or NotificationState.Sending;

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
        RetriedAt = RetriedAt,
        RetriedBy = RetriedBy,
    };
}
