using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Turtle.Grains.Advisors;

public enum AdvisorSourceKind
{
    /// <summary>A CSV file beside the silo.</summary>
    Csv,
    /// <summary>A Google Sheet read with a service account.</summary>
    GoogleSheets,
}

/// <summary>The <c>Advisors</c> section: where the advisor directory is read from and how often.</summary>
public sealed class AdvisorOptions : IValidatableObject
{
    public const string Section = "Advisors";

    public AdvisorSourceKind Source { get; set; } = AdvisorSourceKind.Csv;

    /// <summary>Relative paths are resolved against the silo's own folder, where the build copies <c>advisors.csv</c>.</summary>
    public string CsvPath { get; set; } = "advisors.csv";

    public string? SpreadsheetId { get; set; }

    public string Range { get; set; } = "Advisors!A1:Z";

    /// <summary>Service-account JSON key; relative paths are resolved against the working directory.</summary>
    public string? CredentialsFile { get; set; }

    public Uri SheetsApiBaseUrl { get; set; } = new("https://sheets.googleapis.com");

    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a lookup worker answers from its own copy before asking the directory again.</summary>
    public TimeSpan LookupCacheDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one Sheets read may take before it counts as unreachable.</summary>
    public TimeSpan SheetsTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public string ResolvedCsvPath => Path.IsPathRooted(CsvPath) ? CsvPath : Path.Combine(AppContext.BaseDirectory, CsvPath);

    public string? ResolvedCredentialsFile => string.IsNullOrWhiteSpace(CredentialsFile) ? null : Path.GetFullPath(CredentialsFile);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RefreshInterval < TimeSpan.FromSeconds(1))
        {
            yield return Fail("Advisors:RefreshInterval must be at least one second.", nameof(RefreshInterval));
        }
        if (LookupCacheDuration <= TimeSpan.Zero)
        {
            yield return Fail("Advisors:LookupCacheDuration must be positive.", nameof(LookupCacheDuration));
        }
        if (SheetsTimeout <= TimeSpan.Zero)
        {
            yield return Fail("Advisors:SheetsTimeout must be positive.", nameof(SheetsTimeout));
        }
        if (Source == AdvisorSourceKind.Csv)
        {
            if (string.IsNullOrWhiteSpace(CsvPath))
            {
                yield return Fail("Advisors:CsvPath is required when Advisors:Source is Csv.", nameof(CsvPath));
            }
            yield break;
        }

        if (string.IsNullOrWhiteSpace(SpreadsheetId))
        {
            yield return Fail("Advisors:SpreadsheetId is required when Advisors:Source is GoogleSheets.", nameof(SpreadsheetId));
        }
        if (string.IsNullOrWhiteSpace(Range))
        {
            yield return Fail("Advisors:Range is required when Advisors:Source is GoogleSheets.", nameof(Range));
        }
        if (!SheetsApiBaseUrl.IsAbsoluteUri || SheetsApiBaseUrl.Scheme is not ("https" or "http"))
        {
            yield return Fail($"Advisors:SheetsApiBaseUrl '{SheetsApiBaseUrl}' must be an absolute http(s) URL.", nameof(SheetsApiBaseUrl));
        }
        if (ResolvedCredentialsFile is not { } keyFile)
        {
            yield return Fail("Advisors:CredentialsFile is required when Advisors:Source is GoogleSheets.", nameof(CredentialsFile));
        }
        else if (!File.Exists(keyFile))
        {
            yield return Fail($"Advisors:CredentialsFile '{keyFile}' does not exist.", nameof(CredentialsFile));
        }
        else if (DescribeKeyFileProblem(keyFile) is { } problem)
        {
            yield return Fail($"Advisors:CredentialsFile '{keyFile}' {problem}", nameof(CredentialsFile));
        }
    }

    private static string? DescribeKeyFileProblem(string path)
    {
        try
        {
            using var key = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = key.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.GetString() != "service_account")
            {
                return "is not a service-account key (\"type\" must be \"service_account\").";
            }
            foreach (var field in (string[])["client_email", "private_key"])
            {
                if (!root.TryGetProperty(field, out var value) || string.IsNullOrWhiteSpace(value.GetString()))
                {
                    return $"has no \"{field}\".";
                }
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return "cannot be read as a JSON key: " + e.Message;
        }
    }

    private static ValidationResult Fail(string message, string member) => new(message, [member]);
}
