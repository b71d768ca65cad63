using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;

namespace Turtle.Benchmarks;

/// <summary>One booking posted: when, how long its ack took, and what came back.</summary>
public sealed record PostedBooking(string Id, DateTimeOffset PostedAt, double AckMs, int Status, string? Error);

/// <summary>
/// Posts signed invitee.created webhooks with a fixed number in flight. Every booking has its own phone
/// number, so Turtle's per-number spacing never holds a message back.
/// </summary>
public sealed class BookingLoad(Uri apiBase) : IDisposable
{
    private static long s_phoneCounter;
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>A distinct valid Indian mobile number per booking, across the whole run.</summary>
    public static string NextPhone() =>
        "+91 9" + (Interlocked.Increment(ref s_phoneCounter) % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>Posts one booking whose meeting starts at <paramref name="start"/>.</summary>
    public Task<PostedBooking> PostAsync(DateTimeOffset start, string? id = null)
    {
        id ??= Guid.NewGuid().ToString();
        return PostAsync(id, CalendlyWebhooks.InviteeCreated(id, NextPhone(), start));
    }

    /// <summary>Posts one signed Calendly webhook with this body, about the invitee <paramref name="id"/>.</summary>
    public async Task<PostedBooking> PostAsync(string id, string body)
    {
        using var request = CalendlyWebhooks.SignedRequest(apiBase, TurtleDeployment.SigningKey, body);
        var postedAt = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request);
            var ms = watch.Elapsed.TotalMilliseconds;
            var error = response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            return new PostedBooking(id, postedAt, ms, (int)response.StatusCode, error);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new PostedBooking(id, postedAt, watch.Elapsed.TotalMilliseconds, 0, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>Keeps <paramref name="inFlight"/> posts going for <paramref name="duration"/>.</summary>
    public async Task<List<PostedBooking>> RunForAsync(int inFlight, TimeSpan duration, Func<DateTimeOffset> start)
    {
        var results = new ConcurrentBag<PostedBooking>();
        var deadline = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (deadline.Elapsed < duration)
            {
                results.Add(await PostAsync(start()));
            }
        });
        await Task.WhenAll(workers);
        return [.. results];
    }

    /// <summary>Posts <paramref name="count"/> bookings, the i-th starting at <paramref name="start"/>(i), <paramref name="inFlight"/> at a time.</summary>
    public async Task<List<PostedBooking>> RunCountAsync(int count, int inFlight, Func<int, DateTimeOffset> start, Func<int, string>? id = null, IProgress<int>? progress = null)
    {
        var results = new ConcurrentBag<PostedBooking>();
        var next = -1;
        var workers = Enumerable.Range(0, inFlight).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                results.Add(await PostAsync(start(i), id?.Invoke(i)));
                progress?.Report(i);
            }
        });
        await Task.WhenAll(workers);
        return [.. results];
    }

    public void Dispose() => _http.Dispose();
}
