using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Templates;

namespace Turtle.Grains.Delivery;

/// <summary>
/// Whether a kind's template may be sent now, as Meta last reported it (SPEC §6 "Template lifecycle"): a PAUSED
/// template's messages wait, a DISABLED or REJECTED one's fail. Each silo keeps an answer for a few seconds, so a
/// morning's burst asks each template's grain a few times, not once per message.
/// </summary>
public sealed partial class TemplateGate(IGrainFactory grains, IOptionsMonitor<WhatsAppOptions> options, TurtleClock time, ILogger<TemplateGate> logger)
{
    /// <summary>How long a silo keeps an answer: a webhook's pause reaches the send path within this.</summary>
    public static readonly TimeSpan AnswerLifetime = TimeSpan.FromSeconds(5);

    private static readonly TemplateSendCheck SendNow = new(TemplateVerdict.Send, null, null);
    private readonly ConcurrentDictionary<string, (TemplateSendCheck Check, DateTimeOffset Until)> _answers = new(StringComparer.Ordinal);

    /// <param name="kind">The message's kind.</param>
    /// <param name="language">The client's language it would go in; null: the kind's configured language.</param>
    public async Task<TemplateSendCheck> CheckAsync(NotificationKind kind, string? language = null)
    {
        // Name and language are complete once the options are post-configured (WhatsAppOptions.ApplyDefaults).
        var template = options.CurrentValue.TemplateFor(kind);
        var key = TemplateKey.Of(template.Name!, language ?? template.Language!);
        var now = time.GetUtcNow();
        if (_answers.TryGetValue(key, out var kept) && kept.Until > now)
        {
            return kept.Check;
        }
        TemplateSendCheck check;
        try
        {
            check = await grains.GetGrain<ITemplateGrain>(key).CheckSendAsync();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or Hosting.StorageUnavailableException)
        {
            // Meta is the authority on its templates: unable to read what its webhooks said, send, and let Meta's own
            // answer (132015 paused, 132001 missing …) decide, as before templates were tracked.
            LogCheckFailed(logger, key, e);
            return SendNow;
        }
        _answers[key] = (check, now + AnswerLifetime);
        return check;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Template {Template}: its state at Meta could not be read; the message is sent and Meta's answer decides")]
    private static partial void LogCheckFailed(ILogger logger, string template, Exception exception);
}
