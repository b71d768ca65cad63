using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Messaging;

/// <summary>
/// Renders a notification with its kind's template and sends it through the Cloud API, or, without an
/// access token, records it in the outbox (dry run). One attempt per call.
/// </summary>
public sealed partial class WhatsAppSender(
    IOptionsMonitor<WhatsAppOptions> options,
    AccessTokenStatus tokens,
    IOptions<NotificationOptions> notifications,
    IOptions<Calendly.CalendlyLinkOptions> links,
    WhatsAppClient client,
    OutboxWriter outbox,
    TurtleClock timeProvider,
    ILogger<WhatsAppSender> logger) : IWhatsAppSender
{
    public string? HoldReason() => options.CurrentValue.IsDryRun ? null : tokens.HoldReason();

    public RenderedMessage Render(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var template = options.CurrentValue.TemplateFor(message.Kind);
        var language = message.Language ?? template.Language!;
        var parameters = TemplateRenderer.Render(template.Parameters, message, notifications.Value.AdvisorTeamName, links.Value.BookingUrl);
        var standard = MessageTemplates.Of(message.Kind);
        var text = template.Name == standard.Name && template.Parameters.SequenceEqual(standard.Parameters) ? standard.Fill(parameters, language) : null;
        return new RenderedMessage(template.Name!, language, parameters, text, standard.ButtonPayloads(message.AppointmentId));
    }

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.CurrentValue;
        var rendered = Render(message);
        var phone = message.Recipient;
        if (string.IsNullOrWhiteSpace(phone) || PhoneMask.Digits(phone).Length == 0)
        {
            // The appointment never asks for a message without a number; refuse rather than guess.
            LogNoPhone(message.AppointmentId, message.Kind.ToString());
            return new SendOutcome(SendResult.Permanent, ErrorText: "The message has no phone number to go to.");
        }

        if (settings.IsDryRun)
        {
            return await RecordAsync(message, rendered, phone, cancellationToken);
        }
        return await client.SendTemplateAsync(
            new TemplateMessage(phone, rendered.Template, rendered.Language, rendered.Parameters, CallbackData.For(message.AppointmentId, message.Kind)) { ButtonPayloads = rendered.Buttons },
            cancellationToken);
    }

    private async Task<SendOutcome> RecordAsync(OutgoingMessage message, RenderedMessage rendered, string phone, CancellationToken cancellationToken)
    {
        var masked = PhoneMask.Mask(phone);
        var entry = new OutboxEntry(timeProvider.GetUtcNow(), message.AppointmentId, message.Kind.ToString(), masked, rendered.Template, rendered.Language, rendered.Parameters)
        {
            Text = rendered.Text,
            Buttons = rendered.Buttons.Count > 0 ? rendered.Buttons : null,
        };
        try
        {
            await outbox.AppendAsync(entry, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not recorded is not done: the appointment tries again like any transient failure.
            LogOutboxFailed(ex, outbox.Path);
            return new SendOutcome(SendResult.Transient, ErrorText: $"Outbox {outbox.Path} not writable: {ex.Message}");
        }
        LogRecorded(message.AppointmentId, entry.Kind, masked, entry.Template, outbox.Path);
        return SendOutcome.Recorded();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dry run: {Kind} for {AppointmentId} to {To} ({Template}) written to {OutboxPath}")]
    private partial void LogRecorded(string appointmentId, string kind, string to, string template, string outboxPath);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dry run: could not write to the outbox {OutboxPath}")]
    private partial void LogOutboxFailed(Exception exception, string outboxPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} for {AppointmentId} not sent: no phone number to send to")]
    private partial void LogNoPhone(string appointmentId, string kind);
}
