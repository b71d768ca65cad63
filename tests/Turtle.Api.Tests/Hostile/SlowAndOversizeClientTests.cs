using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Turtle.Api.Webhooks;
using Turtle.Testing;
using Xunit.Abstractions;

namespace Turtle.Api.Tests.Hostile;

/// <summary>
/// Clients that hold the API's connections on a real Kestrel socket: bodies larger than a route takes are refused before
/// they are read whole, and headers or bodies trickled byte by byte (slow loris) are cut off by Kestrel's limits.
/// </summary>
[Collection(HostileGroup.Name)]
public sealed class SlowAndOversizeClientTests(HostileApi api, ITestOutputHelper output)
{
    [Theory]
    [InlineData(CalendlyWebhookEndpoints.Route, CalendlyWebhookEndpoints.MaxBodyBytes)]
    [InlineData("/webhooks/whatsapp", WhatsAppWebhookEndpoints.MaxBodyBytes)]
    public async Task BodyDeclaredLargerThanTheRouteTakesIsRefusedBeforeItIsSent(string route, int limit)
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        await WriteAsync(stream, $"POST {route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {limit + 1}\r\n\r\n");
        await stream.WriteAsync(new byte[1024]);

        var answer = await ReadAnswerAsync(stream, TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CalendlyWebhookEndpoints.Route, CalendlyWebhookEndpoints.MaxBodyBytes)]
    [InlineData("/webhooks/whatsapp", WhatsAppWebhookEndpoints.MaxBodyBytes)]
    public async Task ChunkedBodyIsRefusedOncePastTheLimitWithoutWaitingForItsEnd(string route, int limit)
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        await WriteAsync(stream, $"POST {route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        var chunk = Encoding.ASCII.GetBytes(new string('a', 16 * 1024));
        for (var sent = 0; sent <= limit; sent += chunk.Length)
        {
            await WriteAsync(stream, $"{chunk.Length:x}\r\n");
            await stream.WriteAsync(chunk);
            await WriteAsync(stream, "\r\n");
        }

        // The body has no end yet (no last chunk): the answer comes anyway.
        var answer = await ReadAnswerAsync(stream, TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientSendingItsHeadersByteByByteIsCutOff()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        var watch = Stopwatch.StartNew();
        await WriteAsync(stream, $"POST {CalendlyWebhookEndpoints.Route} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");

        var (answer, cutOffAfter) = await TrickleUntilCutOffAsync(stream, watch, TimeSpan.FromSeconds(40));

        Report($"slow loris: headers trickled at 1 byte/s cut off after {cutOffAfter.TotalSeconds:0.0} s (RequestHeadersTimeout {ServerLimits.RequestHeadersTimeout.TotalSeconds:0} s); answer '{FirstLine(answer)}'");
        Assert.InRange(cutOffAfter, ServerLimits.RequestHeadersTimeout - TimeSpan.FromSeconds(1), ServerLimits.RequestHeadersTimeout + TimeSpan.FromSeconds(5));
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 4", StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task ClientSendingItsBodyByteByByteIsCutOff()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        var watch = Stopwatch.StartNew();
        await WriteAsync(stream, $"POST {CalendlyWebhookEndpoints.Route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{");

        var (answer, cutOffAfter) = await TrickleUntilCutOffAsync(stream, watch, TimeSpan.FromSeconds(40));

        Report($"slow loris: body trickled at 1 byte/s cut off after {cutOffAfter.TotalSeconds:0.0} s (MinRequestBodyDataRate 240 B/s after a 5 s grace); answer '{FirstLine(answer)}'");
        Assert.True(cutOffAfter < TimeSpan.FromSeconds(15), $"still connected after {cutOffAfter}");
        // Timed out by Kestrel: 408, or the connection closed; never a 5xx as if Turtle had failed.
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(api.BaseAddress.Host, api.BaseAddress.Port);
        return client;
    }

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    /// <summary>Sends one byte a second until the server answers or closes; what it said, and when (from <paramref name="watch"/>'s start).</summary>
    private static async Task<(string Answer, TimeSpan After)> TrickleUntilCutOffAsync(NetworkStream stream, Stopwatch watch, TimeSpan giveUp)
    {
        var reading = ReadAnswerAsync(stream, giveUp);
        while (!reading.IsCompleted && watch.Elapsed < giveUp)
        {
            try
            {
                await stream.WriteAsync("a"u8.ToArray());
            }
            catch (IOException)
            {
                break;
            }
            await Task.WhenAny(reading, Task.Delay(1000));
        }
        var answer = await reading;
        return (answer, watch.Elapsed);
    }

    /// <summary>Everything the server sends until it closes the connection or stops after a complete answer's head.</summary>
    private static async Task<string> ReadAnswerAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancel.Token)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                if (received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // Reset by the server: cut off.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no answer and no close within {timeout}; received '{received}'");
        }
        return received.ToString();
    }

    private static string FirstLine(string answer) => answer.Split("\r\n")[0];

    private void Report(string line)
    {
        output.WriteLine(line);
        Figures.Record(line);
    }
}
