using Microsoft.Extensions.DependencyInjection;
using Turtle.Grains.Advisors;
using Turtle.Testing.Google;

namespace Turtle.Grains.Tests.Advisors;

public sealed class FakeGoogleFixture : IAsyncLifetime
{
    public FakeGoogle Google { get; private set; } = null!;
    public string KeyFile { get; } = Path.Combine(Path.GetTempPath(), $"turtle-sa-{Guid.NewGuid():N}.json");

    public async Task InitializeAsync()
    {
        Google = await FakeGoogle.StartAsync();
        Google.WriteKeyFile(KeyFile);
    }

    public Dictionary<string, string?> Settings(string? keyFile = null) => new()
    {
        ["Advisors:Source"] = "GoogleSheets",
        ["Advisors:SpreadsheetId"] = Google.SpreadsheetId,
        ["Advisors:CredentialsFile"] = keyFile ?? KeyFile,
        ["Advisors:SheetsApiBaseUrl"] = Google.BaseUrl.ToString(),
        ["Advisors:SheetsTimeout"] = "00:00:05",
    };

    public async Task DisposeAsync()
    {
        await Google.DisposeAsync();
        File.Delete(KeyFile);
    }
}

public sealed class GoogleSheetsAdvisorSourceTests : IClassFixture<FakeGoogleFixture>
{
    private readonly FakeGoogleFixture fixture;
    private FakeGoogle Google => fixture.Google;

    public GoogleSheetsAdvisorSourceTests(FakeGoogleFixture fixture)
    {
        this.fixture = fixture;
        Google.Fault = SheetsFault.None;
        Google.SheetTitle = "Advisors";
        Google.SetRows([["Email", "Name", "Bio", "Title"], ["a@turtle.example", "A", "Bio A", ""], ["b@turtle.example", "B", "Bio B", "Advisor"]]);
    }

    [Fact]
    public async Task ValuesAreReadWithATokenFromTheKeysTokenUri()
    {
        var (refused, tokens) = (Google.RefusedAssertions.Count, Google.TokenRequests);

        var data = await AdvisorServices.LoadAsync(fixture.Settings());

        Assert.Equal(refused, Google.RefusedAssertions.Count);
        Assert.Equal(tokens + 1, Google.TokenRequests);
        Assert.Equal(["Email", "Name", "Bio", "Title"], data.Rows[0]);
        Assert.Equal(["a@turtle.example", "A", "Bio A"], data.Rows[1]);
        Assert.Equal(1, data.FirstRowNumber);
        Assert.Contains(Google.SpreadsheetId, data.Description, StringComparison.Ordinal);
        var sheet = AdvisorSheetParser.Parse(data.Rows, data.FirstRowNumber);
        Assert.Equal(2, sheet.Advisors.Count);
    }

    [Fact]
    public async Task TheAccessTokenIsReusedAcrossLoads()
    {
        await using var services = AdvisorServices.Build(fixture.Settings());
        var source = services.GetRequiredService<IAdvisorSource>();
        await source.LoadAsync(CancellationToken.None);
        var tokens = Google.TokenRequests;

        await source.LoadAsync(CancellationToken.None);
        await services.GetRequiredService<IAdvisorSource>().LoadAsync(CancellationToken.None);

        Assert.Equal(tokens, Google.TokenRequests);
    }

    [Fact]
    public async Task KeySignedByAnotherKeyIsRefusedByTheTokenEndpoint()
    {
        using var impostor = ServiceAccountKey.Create(Google.ServiceAccount.ClientEmail);
        var keyFile = impostor.WriteKeyFile(Path.Combine(Path.GetTempPath(), $"turtle-impostor-{Guid.NewGuid():N}.json"), Google.TokenUri);
        try
        {
            var error = await Assert.ThrowsAsync<AdvisorSourceException>(() => AdvisorServices.LoadAsync(fixture.Settings(keyFile)));

            Assert.Contains("Google refused a token", error.Message, StringComparison.Ordinal);
            Assert.Contains("Invalid JWT Signature.", Google.RefusedAssertions);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task RowsStartingBelowTheFirstRowKeepTheirSheetNumbers()
    {
        Google.SetRows([["title row"], [], ["Email", "Name", "Bio"], ["a@turtle.example", "A"]]);
        var settings = fixture.Settings();
        settings["Advisors:Range"] = "Advisors!A3:F";

        var data = await AdvisorServices.LoadAsync(settings);
        var sheet = AdvisorSheetParser.Parse(data.Rows, data.FirstRowNumber);

        Assert.Equal(3, data.FirstRowNumber);
        Assert.Equal(4, Assert.Single(sheet.Rejected).RowNumber);
    }

    [Fact]
    public async Task EmptySheetHasNoValues()
    {
        Google.SetRows([]);

        var data = await AdvisorServices.LoadAsync(fixture.Settings());

        Assert.Empty(data.Rows);
    }

    [Theory]
    [InlineData(SheetsFault.PermissionDenied, "the sheet is not shared with turtle-advisors@turtle-test.iam.gserviceaccount.com")]
    [InlineData(SheetsFault.NotFound, "spreadsheet {id} not found")]
    [InlineData(SheetsFault.InvalidRange, "range 'Advisors!A1:Z' is invalid: Unable to parse range: Advisors!A1:Z")]
    [InlineData(SheetsFault.QuotaExceeded, "Sheets API quota exceeded, will retry at next refresh")]
    [InlineData(SheetsFault.ServerError, "Sheets API answered 500 INTERNAL: Internal error encountered.")]
    public async Task EachGoogleErrorBecomesAnActionableMessage(SheetsFault fault, string expected)
    {
        Google.Fault = fault;

        var error = await Assert.ThrowsAsync<AdvisorSourceException>(() => AdvisorServices.LoadAsync(fixture.Settings()));

        Assert.Contains(expected.Replace("{id}", Google.SpreadsheetId, StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownSpreadsheetIsNotFound()
    {
        var settings = fixture.Settings();
        settings["Advisors:SpreadsheetId"] = "1NoSuchSheet";

        var error = await Assert.ThrowsAsync<AdvisorSourceException>(() => AdvisorServices.LoadAsync(settings));

        Assert.StartsWith("spreadsheet 1NoSuchSheet not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RangeOnAnotherTabIsInvalid()
    {
        var settings = fixture.Settings();
        settings["Advisors:Range"] = "Team Sheet!A1:Z";

        var error = await Assert.ThrowsAsync<AdvisorSourceException>(() => AdvisorServices.LoadAsync(settings));

        Assert.Equal("range 'Team Sheet!A1:Z' is invalid: Unable to parse range: Team Sheet!A1:Z", error.Message);
    }

    [Fact]
    public async Task StoppedServerIsReportedUnreachable()
    {
        await using var services = AdvisorServices.Build(fixture.Settings());
        var source = services.GetRequiredService<IAdvisorSource>();
        await source.LoadAsync(CancellationToken.None);
        await Google.StopAsync();
        try
        {
            var error = await Assert.ThrowsAsync<AdvisorSourceException>(() => source.LoadAsync(CancellationToken.None));

            Assert.StartsWith("Sheets API unreachable: ", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Google.RestartAsync();
        }
        Assert.Equal(3, (await source.LoadAsync(CancellationToken.None)).Rows.Count);
    }
}
