using Microsoft.AspNetCore.Server.Kestrel.Core;
using Turtle.Api.Webhooks;

namespace Turtle.Api;

/// <summary>
/// Kestrel's limits for a host on the internet: a client that sends its headers or body too slowly (slow loris) is cut
/// off, and no body larger than the largest one a route takes (Meta's batches) is read at all. The webhooks refuse a
/// body over their own limits before reading it whole (<see cref="RequestBody"/>).
/// </summary>
public static class ServerLimits
{
    /// <summary>All of a request's headers must arrive within this (Calendly and Meta send them at once).</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A body must keep coming at 240 bytes/s after a 5 s grace (Kestrel's own default, stated here on purpose).</summary>
    public static readonly MinDataRate MinRequestBodyDataRate = new(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));

    /// <summary>The largest body any route reads: Meta's 3 MiB batches and a little headroom.</summary>
    public const long MaxRequestBodyBytes = WhatsAppWebhookEndpoints.MaxBodyBytes + (64 * 1024);

    public static void Apply(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Limits.RequestHeadersTimeout = RequestHeadersTimeout;
        kestrel.Limits.MinRequestBodyDataRate = MinRequestBodyDataRate;
        kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
    }

    /// <summary>
    /// A request Kestrel gave up on while the endpoint read it (too slow, too large, broken framing) is the client's
    /// fault: answered with Kestrel's status (408, 413, 400), not as a bug (500), and not logged as an unhandled error.
    /// </summary>
    public static void AnswerClientFaults(ExceptionHandlerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.StatusCodeSelector = e => e is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
        options.SuppressDiagnosticsCallback = context => context.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException;
    }
}
