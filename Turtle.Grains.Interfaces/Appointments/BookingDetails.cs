namespace Turtle.Grains.Appointments;

/// <summary>
/// A Calendly invitee as Turtle needs it: who, when, where to reach them, and who hosts.
/// Parsed once by the API from <c>invitee.created</c> / <c>invitee.canceled</c> payloads.
/// </summary>
[GenerateSerializer, Immutable, Alias("Turtle.BookingDetails")]
public sealed record BookingDetails
{
    /// <summary>Invitee UUID: the last segment of the invitee URI, and the appointment grain's key.</summary>
    [Id(0)] public required string InviteeId { get; init; }
    [Id(1)] public required string InviteeUri { get; init; }
    [Id(2)] public string? EventUri { get; init; }
    [Id(3)] public required string ClientName { get; init; }
    [Id(4)] public string? ClientEmail { get; init; }
    /// <summary>E.164 phone number, or null when the booking carried no usable number.</summary>
    [Id(5)] public string? Phone { get; init; }
    /// <summary>IANA time zone of the invitee; UTC when Calendly sent none.</summary>
    [Id(6)] public string TimeZone { get; init; } = "UTC";
    [Id(7)] public string? EventName { get; init; }
    [Id(8)] public required DateTimeOffset StartTime { get; init; }
    [Id(9)] public DateTimeOffset EndTime { get; init; }
    [Id(10)] public string? JoinUrl { get; init; }
    [Id(11)] public string? CancelUrl { get; init; }
    [Id(12)] public string? RescheduleUrl { get; init; }
    [Id(13)] public IReadOnlyList<string> HostEmails { get; init; } = [];
    [Id(14)] public IReadOnlyList<string> HostUserUris { get; init; } = [];
    /// <summary>Set when this invitee replaces another (a reschedule).</summary>
    [Id(15)] public string? OldInviteeUri { get; init; }
    [Id(16)] public DateTimeOffset CreatedAt { get; init; }
    /// <summary>What delivered this booking (<see cref="BookingSources"/>): its webhook, or reconciliation with the Calendly API.</summary>
    [Id(17)] public string Source { get; init; } = BookingSources.Webhook;
    /// <summary>The client's answers to the booking questions (<c>questions_and_answers</c>), in Calendly's order.</summary>
    [Id(18)] public IReadOnlyList<BookingAnswer> Answers { get; init; } = [];
}

/// <summary>One booking question and what the client answered.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.BookingAnswer")]
public sealed record BookingAnswer([property: Id(0)] string Question, [property: Id(1)] string Answer);

/// <summary>An <c>invitee.canceled</c> event.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.CancellationDetails")]
public sealed record CancellationDetails
{
    [Id(0)] public required BookingDetails Booking { get; init; }
    /// <summary>True when the cancel is half of a reschedule: the new invitee's message covers it.</summary>
    [Id(1)] public bool Rescheduled { get; init; }
    [Id(2)] public string? Reason { get; init; }
    [Id(3)] public DateTimeOffset CanceledAt { get; init; }
}
