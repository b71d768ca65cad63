using System.Collections.Concurrent;
using Turtle.Grains.Messaging;

namespace Turtle.Api.Webhooks;

/// <summary>
/// Business-scoped user ids in a delivery (SPEC §6): keeps every BSUID ↔ number pair it carries, then gives each message
/// that names its sender only by BSUID the linked number, so STOP/START, taps and replies reach that number's client as
/// if Meta had named it. A message whose BSUID links to no number is listed by its <see cref="IWhatsAppUserGrain"/> under
/// <c>unmatched-reply</c> and left out of the batch.
/// </summary>
public sealed class WhatsAppUsers(IClusterClient cluster)
{
    /// <summary>Links this API already stored: every status names its recipient's, and a stored one needs no call.</summary>
    private readonly ConcurrentDictionary<string, string> _stored = new(StringComparer.Ordinal);

    /// <summary>Past this many, the memory of stored links starts again (a repeat only costs a call that changes nothing).</summary>
    private const int MaxRemembered = 100_000;

    public async Task<(WhatsAppWebhookBatch Batch, int Unmatched)> ResolveAsync(WhatsAppWebhookBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // Links first: a delivery may carry a status that links a user and that user's STOP.
        foreach (var link in batch.Links)
        {
            if (_stored.TryGetValue(link.UserId, out var phone) && phone == link.Phone)
            {
                continue;
            }
            await cluster.GetGrain<IWhatsAppUserGrain>(link.UserId).LinkAsync(link.Phone);
            if (_stored.Count >= MaxRemembered)
            {
                _stored.Clear();
            }
            _stored[link.UserId] = link.Phone;
        }
        var unmatched = 0;
        var texts = new List<WhatsAppInboundText>(batch.Texts.Count);
        foreach (var text in batch.Texts)
        {
            var from = await SenderAsync(text.From, text.UserId,
                new WhatsAppUserMessage(text.MessageId, text.At, text.Body, text.Name, ClientMessages.Consent(text)));
            if (from is null)
            {
                unmatched++;
            }
            else
            {
                texts.Add(text with { From = from });
            }
        }
        var buttons = new List<WhatsAppButtonTap>(batch.Buttons.Count);
        foreach (var button in batch.Buttons)
        {
            var from = await SenderAsync(button.From, button.UserId,
                new WhatsAppUserMessage(button.MessageId, button.At, button.Text ?? button.Payload ?? "", button.Name, ClientMessages.IsStop(button) ? true : null));
            if (from is null)
            {
                unmatched++;
            }
            else
            {
                buttons.Add(button with { From = from });
            }
        }
        return (batch with { Texts = texts, Buttons = buttons }, unmatched);
    }

    /// <summary>The sender's number: the one Meta gave, else the one its BSUID is linked to, else null (listed as unmatched).</summary>
    private async Task<string?> SenderAsync(string from, string? userId, WhatsAppUserMessage message) =>
        from.Length > 0 ? from
        : userId is null ? null
        : await cluster.GetGrain<IWhatsAppUserGrain>(userId).ResolveAsync(message);
}
