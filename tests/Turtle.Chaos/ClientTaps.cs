using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>
/// The clients on WhatsApp: each planned answer (<see cref="PlannedAnswer"/>) is tapped some seconds after Meta accepted
/// its booking's Reconfirm, and delivered as Meta delivers webhooks (signed, retried until taken, by the Meta sender).
/// A Reconfirm late by an outage is still answered until shortly before its meeting: its decline is then owed no
/// reschedule offer, but must still change nothing it should not. One that never comes (skipped, or the booking taken
/// late) gets no tap.
/// </summary>
public sealed class ClientTaps(FakeWhatsAppApi meta, WebhookSender sender) : IDisposable
{
    private static readonly TimeSpan LastTap = TimeSpan.FromSeconds(30);

    private readonly List<(Invitee Invitee, Task Tap)> _waiting = [];
    private readonly CancellationTokenSource _stop = new();
    private int _made;
    private int _unanswered;

    /// <summary>Answers tapped so far (a tap delivered twice counts once).</summary>
    public int Made => Volatile.Read(ref _made);

    /// <summary>Answers given up on: their Reconfirm never came in time.</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>Answers still waiting for their Reconfirm while a decline could still be owed a reschedule offer.</summary>
    public int Pending
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            lock (_waiting)
            {
                return _waiting.Count(w => !w.Tap.IsCompleted && now < w.Invitee.Start - ChaosSettings.LatenessBound);
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
            _waiting.Add((invitee, waiting));
        }
    }

    /// <summary>No more taps: the answers still waiting give up.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        Task[] waiting;
        lock (_waiting)
        {
            waiting = [.. _waiting.Select(w => w.Tap)];
        }
        await Task.WhenAll(waiting);
    }

    public void Dispose() => _stop.Dispose();

    private async Task TapAsync(Invitee invitee, PlannedAnswer answer)
    {
        var callback = $"{invitee.Id}:Reconfirm";
        FakeWhatsAppRequest? reconfirm;
        while ((reconfirm = meta.Accepted.FirstOrDefault(r => r.BizOpaqueCallbackData == callback)) is null)
        {
            if (DateTimeOffset.UtcNow > invitee.Start - LastTap || _stop.IsCancellationRequested)
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
