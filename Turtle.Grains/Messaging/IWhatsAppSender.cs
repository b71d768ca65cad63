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

    /// <summary>The message as <see cref="SendAsync"/> sends it: its template, language, parameters and wording.</summary>
    RenderedMessage Render(OutgoingMessage message);
}

/// <summary>
/// What a message says as sent: the template and language it goes as, its body parameters, and its text when the
/// template is the kind's standard one (Turtle knows that wording; an operator's own template's wording is Meta's).
/// </summary>
public sealed record RenderedMessage(string Template, string Language, IReadOnlyList<string> Parameters, string? Text, IReadOnlyList<string> Buttons);

/// <summary>
/// Everything a template may draw its variables from. <see cref="Booking"/> is null for a message about no one booking
/// (an advisor's agenda); <see cref="AppointmentId"/> is then what its callback data names.
/// </summary>
public sealed record OutgoingMessage(string AppointmentId, NotificationKind Kind, BookingDetails? Booking, Advisor? Advisor)
{
    /// <summary>The E.164 number it goes to; null: the booking's (the client's) phone.</summary>
    public string? To { get; init; }

    /// <summary>The template language it goes in; null: the kind's configured (default) language.</summary>
    public string? Language { get; init; }

    /// <summary>IANA zone meeting times are shown in; null: the invitee's (an advisor reads the firm's).</summary>
    public string? TimeZone { get; init; }

    /// <summary>Variables the booking does not hold (<c>cancel_reason</c>, <c>meeting_count</c>, <c>agenda</c>), by name.</summary>
    public IReadOnlyDictionary<string, string?> Values { get; init; } = new Dictionary<string, string?>();

    /// <summary>The number it goes to.</summary>
    public string? Recipient => To ?? Booking?.Phone;
}

public static class WhatsAppSenderExtensions
{
    /// <summary>One attempt; the network failing under the sender is an outcome to retry, not an exception.</summary>
    public static async Task<SendOutcome> TrySendAsync(this IWhatsAppSender sender, OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(sender);
        try
        {
            return await sender.SendAsync(message, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new SendOutcome(SendResult.Transient, ErrorText: e.Message);
        }
    }
}

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
    /// <summary>
    /// The request went out and no answer came (a timeout, a connection dropped mid-answer): Meta may have taken it. It stays
    /// claimed; Meta's status records it sent, and it is tried again only when none came within the send timeout.
    /// </summary>
    Unanswered,
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
