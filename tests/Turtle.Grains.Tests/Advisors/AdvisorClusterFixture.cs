using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Turtle.Grains.Advisors;
using Turtle.Silo;
using Turtle.Testing;
using Turtle.Testing.Google;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>
/// An Orleans test cluster whose advisor directory reads the fake Google Sheet, with grain state in Azurite.
/// The refresh interval is long, so only the tests decide when the sheet is read (and can count the reads).
/// </summary>
public class AdvisorClusterFixture : IAsyncLifetime
{
    /// <summary>How long a lookup worker keeps its copy; tests wait this long after changing the sheet.</summary>
    public static readonly TimeSpan LookupCacheDuration = TimeSpan.FromMilliseconds(300);

    private string? keyDirectory;

    public FakeGoogle Google { get; private set; } = null!;
    public TestCluster Cluster { get; private set; } = null!;
    public string ServiceId { get; } = TestStorage.UniqueId("advisors");

    protected virtual TimeSpan RefreshInterval => TimeSpan.FromHours(1);

    public IAdvisorDirectoryGrain Directory => Cluster.GrainFactory.GetGrain<IAdvisorDirectoryGrain>(0);
    public IAdvisorLookupGrain Lookup => Cluster.GrainFactory.GetGrain<IAdvisorLookupGrain>(0);
    public IAdvisorLoadGrain Loads => Cluster.GrainFactory.GetGrain<IAdvisorLoadGrain>(0);

    public async Task InitializeAsync()
    {
        Google = await FakeGoogle.StartAsync();
        Google.SetRows(SampleSheet.Rows());
        keyDirectory = System.IO.Directory.CreateTempSubdirectory("turtle-advisors-").FullName;
        var keyFile = Google.WriteKeyFile(Path.Combine(keyDirectory, "service-account.json"));

        var builder = new TestClusterBuilder(1);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ClusterId = ServiceId;
        builder.Options.ServiceId = ServiceId;
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:AzureStorage"] = TestStorage.ConnectionString,
            ["Advisors:Source"] = "GoogleSheets",
            ["Advisors:SpreadsheetId"] = Google.SpreadsheetId,
            ["Advisors:CredentialsFile"] = keyFile,
            ["Advisors:SheetsApiBaseUrl"] = Google.BaseUrl.ToString(),
            ["Advisors:RefreshInterval"] = RefreshInterval.ToString(),
            ["Advisors:LookupCacheDuration"] = LookupCacheDuration.ToString(),
            ["Advisors:SheetsTimeout"] = "00:00:05",
        }));
        builder.AddSiloBuilderConfigurator<AdvisorSiloConfigurator>();
        builder.AddClientBuilderConfigurator<AdvisorClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Puts <paramref name="rows"/> in the sheet, reloads the directory, and waits until lookups see it.</summary>
    public async Task<AdvisorDirectorySnapshot> UseSheetAsync(IEnumerable<IEnumerable<string>> rows)
    {
        Google.Fault = SheetsFault.None;
        Google.SetRows(rows);
        var snapshot = await Directory.RefreshAsync();
        Assert.Null(snapshot.LastError);
        await Task.Delay(LookupCacheDuration + TimeSpan.FromMilliseconds(100));
        return snapshot;
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Google.DisposeAsync();
        if (keyDirectory is not null)
        {
            System.IO.Directory.Delete(keyDirectory, recursive: true);
        }
    }
}

/// <summary>The same cluster with a one-second refresh interval, to watch the schedule work on its own.</summary>
public sealed class FastRefreshClusterFixture : AdvisorClusterFixture
{
    protected override TimeSpan RefreshInterval => TimeSpan.FromSeconds(1);
}

/// <summary>A silo built as Turtle.Silo builds its own.</summary>
public sealed class AdvisorSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddTurtle(siloBuilder.Configuration);
}

public sealed class AdvisorClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(TestStorage.ConnectionString));
}

[CollectionDefinition(Name)]
public sealed class AdvisorClusterGroup : ICollectionFixture<AdvisorClusterFixture>
{
    public const string Name = "Advisor cluster";
}

[CollectionDefinition(Name)]
public sealed class FastRefreshClusterGroup : ICollectionFixture<FastRefreshClusterFixture>
{
    public const string Name = "Advisor cluster, fast refresh";
}
