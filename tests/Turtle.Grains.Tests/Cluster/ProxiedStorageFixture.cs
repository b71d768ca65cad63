using Turtle.Testing;

namespace Turtle.Grains.Tests.Cluster;

/// <summary>
/// A one-silo cluster whose storage passes through a <see cref="TableProxy"/>: a test can refuse chosen requests, slow
/// them, or count them and the connections the silo opens. Each test class that uses it gets a cluster of its own.
/// </summary>
public sealed class ProxiedStorageFixture : TurtleClusterFixture
{
    public TableProxy Proxy { get; } = new(TestStorage.ConnectionString);

    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:AzureStorage"] = Proxy.ConnectionString,
    };

    protected override Task StartFakesAsync() => Proxy.StartAsync();

    protected override Task StopFakesAsync() => Proxy.DisposeAsync().AsTask();
}
