using Azure;

namespace Turtle.Api.Tests.Cluster;

public sealed class ClusterConnectionTests
{
    private const string ReadFailed = "Error from storage provider AzureTableGrainStorage.appointment during ReadStateAsync for grain appointment/x";

    [Fact]
    public void GrainStateStorageThatDidNotAnswerIsUnavailabilityNotABug()
    {
        // Found by the chaos run: a booking activated during a storage outage was answered 500, not 503.
        var outage = new OrleansException(ReadFailed, new RequestFailedException(0, "Connection refused (127.0.0.1:10002)"));
        var described = new OrleansException(ReadFailed + " Exc level 1: Azure.RequestFailedException: Message = Connection refused, HTTP Status = 0, HTTP Error Code = .");

        Assert.True(ClusterConnection.IsUnavailability(outage));
        Assert.True(ClusterConnection.IsUnavailability(described));
    }

    [Fact]
    public void StateStorageRefusesForGoodStaysABug()
    {
        var tooLarge = new OrleansException(ReadFailed, new RequestFailedException(400, "The property value exceeds the maximum allowed size (64KB)."));

        Assert.False(ClusterConnection.IsUnavailability(tooLarge));
        Assert.False(ClusterConnection.IsUnavailability(new OrleansException("something else")));
    }
}
