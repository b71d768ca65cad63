using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Messaging;

/// <summary>
/// Sends one notification as its configured WhatsApp template, or records it in the dry-run outbox.
/// It makes exactly one attempt: retrying is the appointment's decision, so it can be persisted.
/// </summary>
public interface IWhatsAppSender
{
    /// <summary>Why nothing may be sent right now (Meta refused the access token), or null when a send may go.</summary>
    string? HoldReason();

    Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>Everything a template may draw its variables from.</summary>
public sealed record OutgoingMessage(string AppointmentId, NotificationKind Kind, BookingDetails Booking, Advisor? Advisor);

public enum SendResult
{
    /// <summary>Accepted by Meta; <see cref="SendOutcome.MessageId"/> is set.</summary>
    Sent,
    /// <summary>No access token: written to the outbox instead.</summary>
    DryRun,
    /// <summary>Throttled or transient (429, 5xx, network, retryable Meta codes): try again later.</summary>
    Transient,
    /// <summary>Refused for good (bad number, template, parameters): never retried.</summary>
    Permanent,
    /// <summary>Meta refused the access token (190): not the message's fault; it waits for a working token.</summary>
    TokenRefused,
}

public sealed record SendOutcome(SendResult Result, string? MessageId = null, int? ErrorCode = null, string? ErrorText = null, TimeSpan? RetryAfter = null)
{
    /// <summary>The recipient's WhatsApp id as Meta answered it (<c>contacts[].wa_id</c>); it can differ from the number sent to.</summary>
    public string? WaId { get; init; }

    /// <summary>Meta's <c>messages[].message_status</c> when it is not plain acceptance, e.g. <c>held_for_quality_assessment</c>.</summary>
    public string? MessageStatus { get; init; }

    public static SendOutcome Accepted(string messageId) => new(SendResult.Sent, messageId);
    public static SendOutcome Recorded() => new(SendResult.DryRun);

    /// <summary>Meta's code and text as one line for the notification's last error.</summary>
    public string? Describe() => ErrorCode is null && ErrorText is null ? null : $"{ErrorCode}: {ErrorText}";
}
