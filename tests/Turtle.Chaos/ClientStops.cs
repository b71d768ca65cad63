using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>
/// The clients who send STOP (<see cref="PlannedStop"/>), delivered as Meta delivers webhooks (signed, retried until
/// taken, by the Meta sender). One from its number sends it at its planned time. One that adopted a username is named
/// by Meta only by its BSUID, which Turtle can tie to the number only from a webhook naming both: the run posts Meta's
/// <c>delivered</c> status of the first message Meta took for the number (it carries <c>recipient_id</c> beside
/// <c>recipient_user_id</c>), and sends the STOP once that status was taken, so the verdict knows from when the STOP
/// must have silenced the number. A client whose number got nothing before its meeting is near sends no STOP.
/// </summary>
public sealed class ClientStops(FakeWhatsAppApi meta, WebhookSender sender) : IDisposable
{
    private static readonly TimeSpan LastStop = TimeSpan.FromSeconds(30);

    private readonly List<Task> _waiting = [];
    private readonly CancellationTokenSource _stop = new();
    private int _made;
    private int _unsent;

    /// <summary>STOPs sent so far.</summary>
    public int Made => Volatile.Read(ref _made);

    /// <summary>STOPs given up on: the run ended first, or (naming only a BSUID) no message to the number came, or its status was never taken, in time.</summary>
    public int Unsent => Volatile.Read(ref _unsent);

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
        if (invitee.Stop is not { } stop)
        {
            return;
        }
        var waiting = Task.Run(() => SendAsync(invitee, stop));
        lock (_waiting)
        {
            _waiting.Add(waiting);
        }
    }

    /// <summary>No more STOPs: those still waiting give up.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        Task[] waiting;
        lock (_waiting)
        {
            waiting = [.. _waiting];
        }
        await Task.WhenAll(waiting);
    }

    public void Dispose() => _stop.Dispose();

    private async Task SendAsync(Invitee invitee, PlannedStop stop)
    {
        var number = string.Concat(invitee.Phone.Where(char.IsAsciiDigit));
        if (stop.ByUserId && !await LinkAsync(invitee, number))
        {
            Interlocked.Increment(ref _unsent);
            return;
        }
        var wait = invitee.BookedAt + stop.After - DateTimeOffset.UtcNow;
        try
        {
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _unsent);
            return;
        }
        // Built when sent: Meta stamps a message with the time the client sent it. After AdoptUsername the fake names
        // the sender by BSUID alone, as Meta does.
        var delivery = new Delivery(invitee.Id, stop.Event, meta.BuildInboundTextPayload(number, "STOP"), DateTimeOffset.UtcNow);
        invitee.Add(delivery);
        sender.Send(delivery);
        Interlocked.Increment(ref _made);
    }

    /// <summary>Posts the status that ties the BSUID to the number, waits until it was taken, then adopts the username.</summary>
    private async Task<bool> LinkAsync(Invitee invitee, string number)
    {
        FakeWhatsAppRequest? first;
        while ((first = meta.Accepted.FirstOrDefault(r => r.To == number)) is null)
        {
            if (GivenUp(invitee))
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        var link = new Delivery(invitee.Id, PlannedStop.LinkEvent,
            meta.BuildStatusPayload(first.MessageId!, number, "delivered", first.BizOpaqueCallbackData), DateTimeOffset.UtcNow);
        invitee.Add(link);
        sender.Send(link);
        DeliveryOutcome? taken;
        while (!sender.Outcomes.TryGetValue(link, out taken))
        {
            if (GivenUp(invitee))
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        if (taken.AcceptedAt is null)
        {
            return false;
        }
        meta.AdoptUsername(invitee.Phone, "client_" + invitee.Id[..8]);
        return true;
    }

    private bool GivenUp(Invitee invitee) => DateTimeOffset.UtcNow > invitee.Start - LastStop || _stop.IsCancellationRequested;
}
