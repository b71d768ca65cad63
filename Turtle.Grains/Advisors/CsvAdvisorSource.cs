using CsvHelper;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Advisors;

/// <summary>Reads the advisor rows from a CSV file (the default source, for running without Google).</summary>
public sealed class CsvAdvisorSource(IOptions<AdvisorOptions> options) : IAdvisorSource
{
    public async Task<AdvisorSourceData> LoadAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.ResolvedCsvPath;
        var csvOptions = new CsvReaderOptions
        {
            // The header is the parser's business, found by name like the sheet's.
            HasHeader = false,
            // Blank lines are kept so that row numbers in rejections count as the operator does; the parser skips them.
            SkipEmptyLines = false,
            TrimWhitespace = true,
        };
        try
        {
            await using var csv = CsvReader.FromFile(path, csvOptions);
            var rows = new List<IReadOnlyList<string>>();
            while (await csv.ReadAsync(cancellationToken))
            {
                rows.Add(csv.Current.ToArray());
            }
            return new AdvisorSourceData(rows, $"Csv {path}");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new AdvisorSourceException($"Advisor file {path} not found (Advisors:CsvPath).", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvFormatException)
        {
            throw new AdvisorSourceException($"Advisor file {path} cannot be read: {e.Message}", e);
        }
    }
}
