using Azure.Data.Tables;
using Orleans.TestingHost;
using Turtle.Grains.Hosting;

namespace Turtle.Testing.Cluster;

/// <summary>
/// A real Orleans cluster in the test process, built as Turtle builds its own: silos by Turtle.Silo's set-up
/// (<see cref="TestSilo"/>), a client that finds them through the storage account the silos use (<see cref="TestClient"/>),
/// clustering in Azurite under an id no other test uses. A fixture names its silos, its settings and the outside
/// services it starts. A test project's fixture adds xunit's <c>IAsyncLifetime</c> (whose two methods are here), and
/// xunit shares it across a collection's classes or gives a class one of its own.
/// </summary>
public abstract class ClusterFixture
{
    protected ClusterFixture(string name) => ServiceId = TestStorage.UniqueId(name);

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The cluster's and the service's id: rows the cluster writes are keyed by it.</summary>
    public string ServiceId { get; }

    protected virtual int Silos => 1;

    /// <summary>How silos and client talk: in memory, unless a fixture needs real sockets (an outside client, TLS).</summary>
    protected virtual ConnectionTransportType Transport => ConnectionTransportType.InMemory;

    /// <summary>The silos' and the client's configuration, over the test storage account (<c>ConnectionStrings:AzureStorage</c>).</summary>
    protected abstract IReadOnlyDictionary<string, string?> Configuration { get; }

    /// <summary>Starts what the configuration points at (fakes of outside services), before the silos.</summary>
    protected virtual Task StartServicesAsync() => Task.CompletedTask;

    /// <summary>Stops them, after the silos.</summary>
    protected virtual Task StopServicesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await StartServicesAsync();
        var builder = new TestClusterBuilder((short)Silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = Transport;
        builder.Options.ClusterId = ServiceId;
        builder.Options.ServiceId = ServiceId;
        builder.ConfigureHostConfiguration(config => config
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{TurtleCluster.StorageConnectionName}"] = TestStorage.ConnectionString })
            .AddInMemoryCollection(Configuration));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<TestClient>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await StopServicesAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => TestSilo.Configure(siloBuilder);
    }
}

/// <summary>
/// The test cluster's client, finding the silos as Turtle.Api's does: Azure Table clustering in the storage account
/// both sides read from the same configuration (<see cref="TurtleCluster.StorageConnectionString"/>).
/// </summary>
public sealed class TestClient : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        ArgumentNullException.ThrowIfNull(clientBuilder);
        var storage = TurtleCluster.StorageConnectionString(configuration);
        clientBuilder.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(storage));
        clientBuilder.UseClusterTls(configuration);
    }
}
