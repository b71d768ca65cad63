using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Runtime.Messaging;
using Turtle.Grains.Hosting;

namespace Turtle.Api;

/// <summary>
/// Whether the cluster can take a request, and whether a failed request failed because it could not: the one place the
/// API decides between "retry later" (503, so Calendly and Meta deliver again) and a bug (500, logged).
/// </summary>
public sealed class ClusterConnection : IClusterConnectionStatusObserver
{
    private volatile bool _reached;

    /// <summary>
    /// The client has reached a silo at least once, so it knows the cluster's grain types. Before that, a call cannot
    /// even be addressed; after it, a connection lost for a moment is re-made within the call or fails it with one of
    /// the exceptions <see cref="IsUnavailability"/> knows.
    /// </summary>
    public bool IsConnected => _reached;

    /// <summary>
    /// The request could not be served by the cluster, not a fault of the request or of Turtle's code: no gateway, a silo
    /// gone or overloaded, no answer in time, or storage that did not take the write.
    /// </summary>
    public static bool IsUnavailability(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException
        or ConnectionFailedException or ClientNotAvailableException or GatewayTooBusyException or TimeoutException
        or StorageUnavailableException
        || IsStorageOutage(e);

    /// <summary>
    /// A grain could not read or write its state because storage did not answer: Orleans wraps the storage error as
    /// "Error from storage provider … during ReadStateAsync", which is an outage to retry (503), not a bug (500). A state
    /// storage refuses for good (too large: a 4xx) stays a bug.
    /// </summary>
    private static bool IsStorageOutage(Exception e)
    {
        if (e is not OrleansException || !e.Message.StartsWith("Error from storage provider", StringComparison.Ordinal))
        {
            return false;
        }
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is Azure.RequestFailedException { Status: 0 or 408 or 429 or >= 500 } or HttpRequestException or System.Net.Sockets.SocketException or TimeoutException)
            {
                return true;
            }
        }
        // The inner exception may not survive the trip from the silo; its description does.
        return e.Message.Contains("HTTP Status = 0,", StringComparison.Ordinal) || e.Message.Contains("HTTP Status = 5", StringComparison.Ordinal)
            || e.Message.Contains("HTTP Status = 429", StringComparison.Ordinal) || e.Message.Contains("HTTP Status = 408", StringComparison.Ordinal);
    }

    /// <summary>The answer that makes Calendly and Meta deliver again a little later.</summary>
    public static ProblemHttpResult RetryLater(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem("The Orleans cluster cannot take this now; retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        _reached |= currentNumberOfGateways > 0;

    public void NotifyClusterConnectionLost()
    {
        // Calls made now wait for a gateway or fail with a typed exception: nothing to remember here.
    }
}
