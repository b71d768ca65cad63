using System.Runtime.CompilerServices;
using Orleans.Runtime.Messaging;
using Turtle.Api.Webhooks;

namespace Turtle.Api.Tests.Webhooks;

public sealed class ClusterUnavailableTests
{
    // Some of these have internal constructors only; the filter looks at the type, so an uninitialised instance will do.
    public static TheoryData<Type> Unavailable => new()
    {
        typeof(SiloUnavailableException),
        typeof(OrleansMessageRejectionException),
        typeof(ConnectionFailedException),
        typeof(ClientNotAvailableException),
        typeof(GatewayTooBusyException),
        typeof(OrleansException),
        typeof(TimeoutException),
        typeof(InvalidOperationException),
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void ClusterFailuresAskCalendlyToRetry(Type type) =>
        Assert.True(CalendlyWebhookEndpoints.IsClusterUnavailable((Exception)RuntimeHelpers.GetUninitializedObject(type)));

    [Fact]
    public void BugsAreNotDisguisedAsUnavailability()
    {
        Assert.False(CalendlyWebhookEndpoints.IsClusterUnavailable(new ArgumentNullException("booking")));
        Assert.False(CalendlyWebhookEndpoints.IsClusterUnavailable(new FormatException()));
    }
}
