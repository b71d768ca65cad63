using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>
/// The clients on WhatsApp: each planned answer (<see cref="PlannedAnswer"/>) is tapped some seconds after Meta accepted
/// its booking's Reconfirm, and delivered as Meta delivers webhooks (signed, retried until taken, by the Meta sender).
/// A Reconfirm that has not come by <see cref="ChaosSettings.LatenessBound"/> before its meeting gets no tap: its decline
/// could no longer be owed a reschedule offer before the meeting.
/// </summary>
public sealed class ClientTaps(FakeWhatsAppApi meta, WebhookSender sender)
{
    private readonly List<Task> _waiting = [];
    private int _made;
    private int _unanswered;

    /// <summary>Answers tapped so far (a tap delivered twice counts once).</summary>
    public int Made => Volatile.Read(ref _made);

    /// <summary>Answers given up on: their Reconfirm never came in time.</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>Answers still waiting for their Reconfirm.</summary>
    public int Pending
    {
        get
        {
            lock (_waiting)
            {
                return _waiting.Count(t => !t.IsCompleted);
            }
        }
    }

    public void Plan(Invitee invitee)
    {
        if (invitee.Answer is not { } answer)
        {
            return;
        }
        var waiting = Task.Run(() => TapAsync(invitee, answer));
        lock (_waiting)
        {
            _waiting.Add(waiting);
        }
    }

    private async Task TapAsync(Invitee invitee, PlannedAnswer answer)
    {
        var callback = $"{invitee.Id}:Reconfirm";
        FakeWhatsAppRequest? reconfirm;
        while ((reconfirm = meta.Accepted.FirstOrDefault(r => r.BizOpaqueCallbackData == callback)) is null)
        {
            if (DateTimeOffset.UtcNow > invitee.Start - ChaosSettings.LatenessBound)
            {
                Interlocked.Increment(ref _unanswered);
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        var from = string.Concat((answer.OtherPhone ?? invitee.Phone).Where(char.IsAsciiDigit));
        var payload = $"{invitee.Id}:{answer.Choice}";
        var label = answer.Choice == "attend" ? "Yes, I will attend" : "No, I cannot make it";
        var body = answer.Interactive
            ? meta.BuildInteractiveReplyPayload(from, payload, label)
            : meta.BuildButtonPayload(from, payload, label, reconfirm.MessageId);
        var tap = new Delivery(invitee.Id, answer.Event, body, reconfirm.ReceivedAt + answer.After);
        Delivery[] deliveries = answer.Twice ? [tap, tap with { NotBefore = tap.NotBefore + TimeSpan.FromSeconds(3) }] : [tap];
        foreach (var delivery in deliveries)
        {
            invitee.Add(delivery);
            sender.Send(delivery);
        }
        Interlocked.Increment(ref _made);
    }
}
