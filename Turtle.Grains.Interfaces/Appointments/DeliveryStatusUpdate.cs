namespace Turtle.Grains.Appointments;

/// <summary>
/// One status from Meta's webhook: which message (Meta's message id; the kind when the callback data named it), what
/// happened, and Meta's error when it failed.
/// </summary>
[GenerateSerializer, Immutable, Alias("Turtle.DeliveryStatusUpdate")]
public sealed record DeliveryStatusUpdate
{
    [Id(0)] public NotificationKind? Kind { get; init; }
    [Id(1)] public required string MessageId { get; init; }
    [Id(2)] public required DeliveryStatus Status { get; init; }
    [Id(3)] public DateTimeOffset At { get; init; }
    [Id(4)] public int? ErrorCode { get; init; }
    [Id(5)] public string? ErrorText { get; init; }
}
