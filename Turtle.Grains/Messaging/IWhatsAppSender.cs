using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Messaging;

/// <summary>
/// Sends one notification as its configured WhatsApp template, or records it in the dry-run outbox.
/// It makes exactly one attempt: retrying is the appointment's decision, so it can be persisted.
/// </summary>
public interface IWhatsAppSender
{
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
    /// <summary>Refused for good (bad number, template, parameters, token): never retried.</summary>
    Permanent,
}

public sealed record SendOutcome(SendResult Result, string? MessageId = null, int? ErrorCode = null, string? ErrorText = null, TimeSpan? RetryAfter = null)
{
    public static SendOutcome Accepted(string messageId) => new(SendResult.Sent, messageId);
    public static SendOutcome Recorded() => new(SendResult.DryRun);

    /// <summary>Meta's code and text as one line for the notification's last error.</summary>
    public string? Describe() => ErrorCode is null && ErrorText is null ? null : $"{ErrorCode}: {ErrorText}";
}
