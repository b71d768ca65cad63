using Turtle.Grains.Advisors;
using Turtle.Testing.Cluster;
using Turtle.Testing.Google;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>
/// An Orleans test cluster (<see cref="ClusterFixture"/>) whose advisor directory reads the fake Google Sheet, with grain
/// state in Azurite. The refresh interval is long, so only the tests decide when the sheet is read (and can count the reads).
/// </summary>
public class AdvisorClusterFixture() : ClusterFixture("advisors"), IAsyncLifetime
{
    /// <summary>How long a lookup worker keeps its copy; tests wait this long after changing the sheet.</summary>
    public static readonly TimeSpan LookupCacheDuration = TimeSpan.FromMilliseconds(300);

    private string? keyDirectory;
    private string? keyFile;

    public FakeGoogle Google { get; private set; } = null!;

    protected virtual TimeSpan RefreshInterval => TimeSpan.FromHours(1);

    public IAdvisorDirectoryGrain Directory => Grains.GetGrain<IAdvisorDirectoryGrain>(0);
    public IAdvisorLookupGrain Lookup => Grains.GetGrain<IAdvisorLookupGrain>(0);
    public IAdvisorLoadGrain Loads => Grains.GetGrain<IAdvisorLoadGrain>(0);

    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["Advisors:Source"] = "GoogleSheets",
        ["Advisors:SpreadsheetId"] = Google.SpreadsheetId,
        ["Advisors:CredentialsFile"] = keyFile,
        ["Advisors:SheetsApiBaseUrl"] = Google.BaseUrl.ToString(),
        ["Advisors:RefreshInterval"] = RefreshInterval.ToString(),
        ["Advisors:LookupCacheDuration"] = LookupCacheDuration.ToString(),
        ["Advisors:SheetsTimeout"] = "00:00:05",
    };

    protected override async Task StartServicesAsync()
    {
        Google = await FakeGoogle.StartAsync();
        Google.SetRows(SampleSheet.Rows());
        keyDirectory = System.IO.Directory.CreateTempSubdirectory("turtle-advisors-").FullName;
        keyFile = Google.WriteKeyFile(Path.Combine(keyDirectory, "service-account.json"));
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

    protected override async Task StopServicesAsync()
    {
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
