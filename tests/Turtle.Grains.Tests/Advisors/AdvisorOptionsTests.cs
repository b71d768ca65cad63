using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Turtle.Grains.Advisors;

namespace Turtle.Grains.Tests.Advisors;

public sealed class AdvisorOptionsTests : IDisposable
{
    private readonly string keyFile = Path.Combine(Path.GetTempPath(), $"turtle-key-{Guid.NewGuid():N}.json");

    [Fact]
    public void DefaultsReadTheCsvBesideTheSiloEveryFiveMinutes()
    {
        using var services = AdvisorServices.Build(new Dictionary<string, string?>());
        services.GetRequiredService<IStartupValidator>().Validate();

        var options = services.GetRequiredService<IOptions<AdvisorOptions>>().Value;
        Assert.Equal(AdvisorSourceKind.Csv, options.Source);
        Assert.Equal("advisors.csv", options.CsvPath);
        Assert.Equal("Advisors!A1:Z", options.Range);
        Assert.Equal(new Uri("https://sheets.googleapis.com"), options.SheetsApiBaseUrl);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RefreshInterval);
        Assert.IsType<CsvAdvisorSource>(services.GetRequiredService<IAdvisorSource>());
    }

    [Fact]
    public void GoogleSheetsWithoutSpreadsheetIdFailsAtStartNamingTheKey()
    {
        File.WriteAllText(keyFile, """{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com","private_key":"x"}""");

        var error = StartUpFailure(new() { ["Advisors:Source"] = "GoogleSheets", ["Advisors:CredentialsFile"] = keyFile });

        Assert.Contains("Advisors:SpreadsheetId is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public void GoogleSheetsWithoutCredentialsFileFailsAtStartNamingTheKey()
    {
        var error = StartUpFailure(new() { ["Advisors:Source"] = "GoogleSheets", ["Advisors:SpreadsheetId"] = "1abc" });

        Assert.Contains("Advisors:CredentialsFile is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCredentialsFileFailsAtStartNamingTheKey()
    {
        var error = StartUpFailure(new() { ["Advisors:Source"] = "GoogleSheets", ["Advisors:SpreadsheetId"] = "1abc", ["Advisors:CredentialsFile"] = keyFile });

        Assert.Contains($"Advisors:CredentialsFile '{keyFile}' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFileOfAnotherKindFailsAtStartNamingTheKey()
    {
        File.WriteAllText(keyFile, """{"type":"authorized_user","client_id":"x"}""");

        var error = StartUpFailure(new() { ["Advisors:Source"] = "GoogleSheets", ["Advisors:SpreadsheetId"] = "1abc", ["Advisors:CredentialsFile"] = keyFile });

        Assert.Contains("Advisors:CredentialsFile", error, StringComparison.Ordinal);
        Assert.Contains("is not a service-account key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TooShortRefreshIntervalFailsAtStartNamingTheKey()
    {
        var error = StartUpFailure(new() { ["Advisors:RefreshInterval"] = "00:00:00.100" });

        Assert.Contains("Advisors:RefreshInterval", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSourceFailsNamingTheKey()
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(() =>
        {
            using var services = AdvisorServices.Build(new Dictionary<string, string?> { ["Advisors:Source"] = "Excel" });
            services.GetRequiredService<IStartupValidator>().Validate();
        });

        Assert.Contains("Advisors:Source", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(keyFile);

    private static string StartUpFailure(Dictionary<string, string?> settings)
    {
        using var services = AdvisorServices.Build(settings);
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate()).Message;
    }
}
