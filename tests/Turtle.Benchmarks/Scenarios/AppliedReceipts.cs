using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Turtle.Testing.WhatsApp;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// Whether Meta's receipts for sent messages reached the system, read through the API as an operator would: the booking
/// shows the message <c>read</c> (<c>GET /api/appointments/{id}</c>), and the client's record holds the message and its
/// sent, delivered and read entries (<c>GET /api/records</c>, SPEC §13), the record being flushed behind the booking.
/// </summary>
public sealed class AppliedReceipts(HttpClient api, string kind)
{
    private static readonly string[] Receipts = ["sent", "delivered", "read"];
    private int _unanswered;

    /// <summary>Reads the API did not answer in time (or refused); the booking is read again in the next round.</summary>
    public int Unanswered => _unanswered;

    /// <summary>How many of <paramref name="sent"/> (booking id, the accepted request) still lack each part by the deadline.</summary>
    public async Task<(int NotRead, int RecordIncomplete)> CheckAsync(IReadOnlyList<(string Booking, FakeWhatsAppRequest Request)> sent, DateTimeOffset deadline)
    {
        var notRead = new HashSet<string>(sent.Select(s => s.Booking));
        var unrecorded = new HashSet<string>(sent.Select(s => s.Booking));
        while (true)
        {
            await Parallel.ForEachAsync(sent, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (s, _) =>
            {
                if (Contains(notRead, s.Booking) && await AnsweredAsync(() => ShowsReadAsync(s.Booking)))
                {
                    Remove(notRead, s.Booking);
                }
                if (Contains(unrecorded, s.Booking) && await AnsweredAsync(() => RecordedAsync(s.Request)))
                {
                    Remove(unrecorded, s.Booking);
                }
            });
            if ((notRead.Count == 0 && unrecorded.Count == 0) || DateTimeOffset.UtcNow >= deadline)
            {
                return (notRead.Count, unrecorded.Count);
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>An overloaded API's slow answer is not a verdict on the booking: it counts as not yet shown.</summary>
    private async Task<bool> AnsweredAsync(Func<Task<bool>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _unanswered);
            return false;
        }
    }

    private async Task<bool> ShowsReadAsync(string booking)
    {
        var view = await api.GetFromJsonAsync<JsonObject>($"/api/appointments/{booking}");
        return view?["notifications"]?.AsArray().Any(n => (string?)n?["kind"] == kind
            && string.Equals((string?)n?["deliveryStatus"], "read", StringComparison.OrdinalIgnoreCase)) == true;
    }

    private async Task<bool> RecordedAsync(FakeWhatsAppRequest request)
    {
        var record = await api.GetFromJsonAsync<JsonObject>($"/api/records?phone={Uri.EscapeDataString("+" + request.To)}");
        var items = record?["items"]?.AsArray().Where(i => (string?)i?["messageId"] == request.MessageId).ToList() ?? [];
        return items.Any(i => (string?)i?["direction"] == "out" && (string?)i?["kind"] == kind)
            && Receipts.All(r => items.Any(i => (string?)i?["kind"] == "status" && (string?)i?["status"] == r));
    }

    private static bool Contains(HashSet<string> set, string key)
    {
        lock (set)
        {
            return set.Contains(key);
        }
    }

    private static void Remove(HashSet<string> set, string key)
    {
        lock (set)
        {
            set.Remove(key);
        }
    }
}
