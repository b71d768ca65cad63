using System.IO.Compression;
using System.Net;

namespace Turtle.Testing.Otlp;

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP receiver on 127.0.0.1: <c>POST /v1/traces</c>, <c>/v1/metrics</c> and
/// <c>/v1/logs</c> with binary protobuf bodies (<c>Content-Type: application/x-protobuf</c>, optionally gzip), answered
/// 200 with an empty <c>Export*ServiceResponse</c> as the OTLP specification says. Trace bodies are decoded by hand
/// (<see cref="OtlpTraceDecoder"/>) into <see cref="Spans"/>; metrics and logs are only counted. A JSON body gets 415
/// (this receiver speaks protobuf only), an undecodable one 400.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    public const string ProtobufContentType = "application/x-protobuf";

    private readonly List<OtlpSpan> _spans = [];
    private WebApplication? _app;
    private int _metricsExports;
    private int _logsExports;

    /// <summary>What <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> should be set to (with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every span received so far, in arrival order (a copy).</summary>
    public IReadOnlyList<OtlpSpan> Spans
    {
        get
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }
    }

    public int MetricsExports => Volatile.Read(ref _metricsExports);
    public int LogsExports => Volatile.Read(ref _logsExports);

    public async Task<FakeOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/v1/traces", context => ReceiveAsync(context, body =>
        {
            var spans = OtlpTraceDecoder.Decode(body);
            lock (_spans)
            {
                _spans.AddRange(spans);
            }
        }));
        _app.MapPost("/v1/metrics", context => ReceiveAsync(context, _ => Interlocked.Increment(ref _metricsExports)));
        _app.MapPost("/v1/logs", context => ReceiveAsync(context, _ => Interlocked.Increment(ref _logsExports)));
        await _app.StartAsync();
        Endpoint = new Uri(_app.Urls.First());
        return this;
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the spans received, or fails with what did arrive.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForSpansAsync(Func<IReadOnlyList<OtlpSpan>, bool> condition, TimeSpan timeout)
    {
        var spans = await Eventually.ReadAsync(() => Spans, condition, timeout);
        if (condition(spans))
        {
            return spans;
        }
        var seen = string.Join(Environment.NewLine, spans.TakeLast(60).Select(s => s.ToString()));
        throw new TimeoutException($"The collector did not receive the expected spans within {timeout}; last received:{Environment.NewLine}{seen}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static async Task ReceiveAsync(HttpContext context, Action<byte[]> accept)
    {
        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }
        var body = await ReadBodyAsync(context.Request);
        try
        {
            accept(body);
        }
        catch (InvalidDataException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        // Full success: 200 and an Export*ServiceResponse with partial_success unset, i.e. zero bytes of protobuf.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ProtobufContentType;
        context.Response.ContentLength = 0;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        if (string.Equals(request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            await using var gzip = new GZipStream(request.Body, CompressionMode.Decompress);
            await gzip.CopyToAsync(buffer);
        }
        else
        {
            await request.Body.CopyToAsync(buffer);
        }
        return buffer.ToArray();
    }
}
