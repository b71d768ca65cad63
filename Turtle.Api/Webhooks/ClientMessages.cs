using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;

namespace Turtle.Api.Webhooks;

/// <summary>What the clients' messages of one delivery did.</summary>
public sealed record ClientMessageTally(int OptOuts, int OptIns, int Answers, int Replies);

/// <summary>
/// Applies what clients sent the business number (SPEC §5): <c>STOP</c> / <c>START</c> (and a tap on a STOP-like button),
/// the Reconfirm buttons' answers, and everything else as a reply recorded with the booking it belongs to. Every step is
/// repeatable, so Meta may deliver the whole batch again after a failure part-way.
/// </summary>
public static class ClientMessages
{
    /// <summary>Button labels or payloads that mean "no more messages", as marketing templates offer them.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase) { "STOP", "STOP PROMOTIONS", "UNSUBSCRIBE" };

    public static async Task<ClientMessageTally> ApplyAsync(IClusterClient cluster, WhatsAppWebhookBatch batch)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(batch);
        int optOuts = 0, optIns = 0, answers = 0, replies = 0;
        foreach (var text in batch.Texts)
        {
            var recipient = cluster.GetGrain<IRecipientGrain>(text.From);
            // Entered before it is applied: nothing the client said takes effect without its entry (Meta delivers again on a failure).
            await cluster.GetGrain<IClientRecordGrain>(text.From).AppendAsync(InboundRecord.Text(text, Consent(text)));
            switch (Consent(text))
            {
                case true:
                    await recipient.OptOutAsync();
                    optOuts++;
                    break;
                case false:
                    await recipient.OptInAsync();
                    optIns++;
                    break;
                default:
                    replies += await ReplyAsync(cluster, text.From, new ClientReply(text.At, text.Body, text.MessageId)) ? 1 : 0;
                    break;
            }
        }
        foreach (var button in batch.Buttons)
        {
            await cluster.GetGrain<IClientRecordGrain>(button.From).AppendAsync(InboundRecord.Tap(button, IsStop(button)));
            if (IsStop(button))
            {
                await cluster.GetGrain<IRecipientGrain>(button.From).OptOutAsync();
                optOuts++;
            }
            else if (AttendanceButton.TryParse(button.Payload, out var appointmentId, out var choice))
            {
                // Only the booking can tell whether the tap came from its own number: it decides.
                var answer = new AttendanceAnswer(button.From, choice, button.MessageId, button.At);
                answers += await cluster.GetGrain<IAppointmentGrain>(appointmentId).AnswerAttendanceAsync(answer) ? 1 : 0;
            }
            else
            {
                var reply = new ClientReply(button.At, button.Text ?? button.Payload ?? "", button.MessageId);
                replies += await ReplyAsync(cluster, button.From, reply) ? 1 : 0;
            }
        }
        return new ClientMessageTally(optOuts, optIns, answers, replies);
    }

    /// <summary>True for <c>STOP</c>, false for <c>START</c>, null for any other text.</summary>
    public static bool? Consent(WhatsAppInboundText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Body.Trim().ToUpperInvariant() switch
        {
            "STOP" => true,
            "START" => false,
            _ => null,
        };
    }

    /// <summary>A tap that means "no more messages".</summary>
    public static bool IsStop(WhatsAppButtonTap button)
    {
        ArgumentNullException.ThrowIfNull(button);
        return StopWords.Contains(button.Payload?.Trim() ?? "") || StopWords.Contains(button.Text?.Trim() ?? "");
    }

    /// <summary>Records the reply with its number's booking; false when the number has none.</summary>
    private static async Task<bool> ReplyAsync(IClusterClient cluster, string from, ClientReply reply)
    {
        if (await cluster.GetGrain<IRecipientGrain>(from).BookingForReplyAsync() is not { } appointmentId)
        {
            return false;
        }
        await cluster.GetGrain<IAppointmentGrain>(appointmentId).RecordReplyAsync(reply);
        return true;
    }
}
