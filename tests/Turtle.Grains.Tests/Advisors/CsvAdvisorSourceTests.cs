using Turtle.Grains.Advisors;

namespace Turtle.Grains.Tests.Advisors;

public sealed class CsvAdvisorSourceTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"turtle-advisors-{Guid.NewGuid():N}.csv");

    [Fact]
    public async Task QuotedFieldsAndBlankLinesAreRead()
    {
        await File.WriteAllTextAsync(path,
            "Email,Name,Bio,Active\n" +
            "a@turtle.example,\"Mehta, Arjun\",\"Bio with \"\"quotes\"\"\nand a line break\",yes\n" +
            "\n" +
            "b@turtle.example,B,,no\n");

        var data = await AdvisorServices.LoadAsync(Settings(path));
        var sheet = AdvisorSheetParser.Parse(data.Rows, data.FirstRowNumber);

        var advisor = Assert.Single(sheet.Advisors);
        Assert.Equal("Mehta, Arjun", advisor.Name);
        Assert.Equal("Bio with \"quotes\"\nand a line break", advisor.Bio);
        Assert.Equal(new RejectedAdvisorRow(4, "missing Bio", "b@turtle.example"), Assert.Single(sheet.Rejected));
        Assert.Equal($"Csv {path}", data.Description);
    }

    [Fact]
    public async Task MissingFileFailsTheLoadNamingThePath()
    {
        var error = await Assert.ThrowsAsync<AdvisorSourceException>(() => AdvisorServices.LoadAsync(Settings(path)));

        Assert.Equal($"Advisor file {path} not found (Advisors:CsvPath).", error.Message);
    }

    [Fact]
    public async Task TheSiloSampleFileLoadsEveryAdvisor()
    {
        var sample = Path.Combine(RepositoryRoot(), "Turtle.Silo", "advisors.csv");

        var data = await AdvisorServices.LoadAsync(Settings(sample));
        var sheet = AdvisorSheetParser.Parse(data.Rows, data.FirstRowNumber);

        Assert.Equal(3, sheet.Advisors.Count);
        Assert.Empty(sheet.Rejected);
        Assert.All(sheet.Advisors, a => Assert.True(a.Active));
    }

    [Fact]
    public void RelativePathIsResolvedBesideTheSilo()
    {
        var options = new AdvisorOptions();

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "advisors.csv"), options.ResolvedCsvPath);
    }

    public void Dispose() => File.Delete(path);

    private static Dictionary<string, string?> Settings(string csvPath) => new() { ["Advisors:CsvPath"] = csvPath };

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Turtle.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Turtle.sln not found above " + AppContext.BaseDirectory);
    }
}
