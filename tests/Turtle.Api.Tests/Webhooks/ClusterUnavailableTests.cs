using System.Runtime.CompilerServices;
using Orleans.Runtime.Messaging;
using Turtle.Grains.Hosting;

namespace Turtle.Api.Tests.Webhooks;

public sealed class ClusterUnavailableTests
{
    // Some of these have internal constructors only; the check looks at the type, so an uninitialised instance will do.
    public static TheoryData<Type> Unavailable => new()
    {
        typeof(SiloUnavailableException),
        typeof(OrleansMessageRejectionException),
        typeof(ConnectionFailedException),
        typeof(ClientNotAvailableException),
        typeof(GatewayTooBusyException),
        typeof(TimeoutException),
        typeof(StorageUnavailableException),
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void ClusterFailuresAskCalendlyToRetry(Type type) =>
        Assert.True(ClusterConnection.IsUnavailability((Exception)RuntimeHelpers.GetUninitializedObject(type)));

    [Fact]
    public void BugsAreNotDisguisedAsUnavailability()
    {
        Assert.False(ClusterConnection.IsUnavailability(new ArgumentNullException("booking")));
        Assert.False(ClusterConnection.IsUnavailability(new FormatException()));
        // A grain's bug arrives as the grain's own exception: a 500 with the exception logged, not a day of Calendly retries.
        Assert.False(ClusterConnection.IsUnavailability(new InvalidOperationException("a bug in a grain")));
        Assert.False(ClusterConnection.IsUnavailability(new OrleansException("a grain call failed for another reason")));
    }

    [Fact]
    public void ClientIsConnectedOnceItHasReachedAGateway()
    {
        var connection = new ClusterConnection();
        Assert.False(connection.IsConnected);

        connection.NotifyGatewayCountChanged(1, 0, connectionRecovered: false);
        connection.NotifyClusterConnectionLost();

        // A lost connection is re-made within the next call, or fails it with a typed exception.
        Assert.True(connection.IsConnected);
    }
}
