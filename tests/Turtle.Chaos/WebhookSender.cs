using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Turtle.Testing.Calendly;
using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>
/// One webhook delivery as Calendly or Meta makes it: a body, signed anew at every attempt, about an invitee (empty for
/// one about the business account, such as a template's).
/// </summary>
public sealed record Delivery(string InviteeId, string Event, string Body, DateTimeOffset NotBefore);

/// <summary>Where a sender's deliveries go, how each attempt is signed, and the file its attempts are written to.</summary>
public sealed record WebhookTarget(string Path, string SignatureHeader, Func<string, string> Sign, string LogFile)
{
    /// <summary>Calendly webhook v2: <c>Calendly-Webhook-Signature: t=…,v1=…</c>, timestamped at each attempt.</summary>
    public static WebhookTarget Calendly(string signingKey) =>
        new("/webhooks/calendly", CalendlyWebhooks.SignatureHeader, body => CalendlyWebhooks.Sign(signingKey, body), "deliveries.jsonl");

    /// <summary>Meta's webhook: <c>X-Hub-Signature-256: sha256=…</c> over the raw body.</summary>
    public static WebhookTarget Meta(string appSecret) =>
        new("/webhooks/whatsapp", "X-Hub-Signature-256", body => FakeWhatsAppApi.Sign(appSecret, body), "whatsapp-deliveries.jsonl");
}

/// <summary>A delivery's fate, as the sender saw it: when it was first taken (2xx) and how many attempts it took.</summary>
public sealed record DeliveryOutcome(Delivery Delivery, DateTimeOffset? AcceptedAt, int Attempts, int LastStatus);

/// <summary>
/// Delivers webhooks as Calendly and Meta do: signed (<see cref="WebhookTarget"/>), each retried on any non-2xx answer
/// or network error with exponential backoff (1 s doubling to 30 s) until it is taken or the run gives up. Every attempt
/// is written to the target's file (<c>deliveries.jsonl</c>, <c>whatsapp-deliveries.jsonl</c>); the outcomes are the run's
/// own record of what Turtle was told and when.
/// </summary>
public sealed class WebhookSender(Uri apiBase, WebhookTarget target, string folder) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = apiBase, Timeout = TimeSpan.FromSeconds(20) };
    private readonly ConcurrentBag<Task<DeliveryOutcome>> _sending = [];
    private readonly StreamWriter _log = new(Path.Combine(folder, target.LogFile), append: true) { AutoFlush = true };
    private readonly CancellationTokenSource _giveUp = new();
    private readonly ConcurrentDictionary<Delivery, DeliveryOutcome> _outcomes = new();
    private int _attempts;
    private int _refused;

    /// <summary>The deliveries finished so far (taken, or given up on).</summary>
    public IReadOnlyDictionary<Delivery, DeliveryOutcome> Outcomes => _outcomes;

    public int Attempts => _attempts;

    /// <summary>Attempts answered other than 2xx (503 while the cluster was down, network errors).</summary>
    public int Refused => _refused;

    /// <summary>Starts delivering at <see cref="Delivery.NotBefore"/>, on its own, until taken.</summary>
    public void Send(Delivery delivery) => _sending.Add(Task.Run(async () =>
    {
        var outcome = await DeliverAsync(delivery);
        _outcomes[delivery] = outcome;
        return outcome;
    }));

    public int Pending => _sending.Count(t => !t.IsCompleted);

    /// <summary>Waits for every delivery to be taken, giving up on those still refused at <paramref name="deadline"/>.</summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> FinishAsync(DateTimeOffset deadline)
    {
        var wait = deadline - DateTimeOffset.UtcNow;
        var all = Task.WhenAll(_sending);
        if (await Task.WhenAny(all, Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero)) != all)
        {
            await _giveUp.CancelAsync();
        }
        return await all;
    }

    public void Dispose()
    {
        _http.Dispose();
        _log.Dispose();
        _giveUp.Dispose();
    }

    private async Task<DeliveryOutcome> DeliverAsync(Delivery delivery)
    {
        var delay = delivery.NotBefore - DateTimeOffset.UtcNow;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }
        var backoff = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            var status = 0;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target.Path) { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation(target.SignatureHeader, target.Sign(delivery.Body));
                using var response = await _http.SendAsync(request, _giveUp.Token);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !_giveUp.IsCancellationRequested)
            {
                status = -1;
            }
            catch (OperationCanceledException)
            {
                Record(delivery, attempt, -1);
                return new DeliveryOutcome(delivery, null, attempt, -1);
            }
            var at = DateTimeOffset.UtcNow;
            Interlocked.Increment(ref _attempts);
            Record(delivery, attempt, status);
            if (status is >= 200 and < 300)
            {
                return new DeliveryOutcome(delivery, at, attempt, status);
            }
            Interlocked.Increment(ref _refused);
            try
            {
                await Task.Delay(backoff, _giveUp.Token);
            }
            catch (OperationCanceledException)
            {
                return new DeliveryOutcome(delivery, null, attempt, status);
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private void Record(Delivery delivery, int attempt, int status)
    {
        var line = JsonSerializer.Serialize(new { at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), invitee = delivery.InviteeId, @event = delivery.Event, attempt, status });
        lock (_log)
        {
            _log.WriteLine(line);
        }
    }
}
