using System.Net.Mail;

namespace Turtle.Grains.Advisors;

/// <summary>The advisors a sheet yields, and the rows it could not use.</summary>
public sealed record AdvisorSheet(IReadOnlyList<Advisor> Advisors, IReadOnlyList<RejectedAdvisorRow> Rejected);

/// <summary>
/// Turns the rows of either source into advisors (SPEC §7): columns found by header name, case-insensitive,
/// any order; a bad row is rejected with its number and reason while the others still load.
/// </summary>
public static class AdvisorSheetParser
{
    private static readonly string[] Required = ["Email", "Name", "Bio"];
    private static readonly string[] Known = [.. Required, "Title", "Phone", "Active", "CalendlyUserUri"];
    private static readonly HashSet<string> InactiveValues = new(["no", "false", "0"], StringComparer.OrdinalIgnoreCase);

    /// <exception cref="AdvisorSourceException">No header row, or the header lacks a required column.</exception>
    public static AdvisorSheet Parse(IReadOnlyList<IReadOnlyList<string>> rows, int firstRowNumber = 1)
    {
        var headerIndex = 0;
        while (headerIndex < rows.Count && IsBlank(rows[headerIndex]))
        {
            headerIndex++;
        }
        if (headerIndex == rows.Count)
        {
            throw new AdvisorSourceException($"The sheet is empty: expected a header row with {string.Join(", ", Required)}.");
        }
        var columns = MapColumns(rows[headerIndex]);

        var advisors = new List<Advisor>();
        var rejected = new List<RejectedAdvisorRow>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = headerIndex + 1; i < rows.Count; i++)
        {
            var row = rows[i];
            if (IsBlank(row))
            {
                continue;
            }
            var rowNumber = firstRowNumber + i;
            string? Cell(string column) =>
                columns.TryGetValue(column, out var index) && index < row.Count && !string.IsNullOrWhiteSpace(row[index])
                    ? row[index].Trim()
                    : null;

            var email = Cell("Email");
            var missing = Required.Where(c => Cell(c) is null).ToList();
            if (missing.Count > 0)
            {
                rejected.Add(new RejectedAdvisorRow(rowNumber, $"missing {string.Join(" and ", missing)}", email));
                continue;
            }
            if (!MailAddress.TryCreate(email, out var address) || address.Address != email)
            {
                rejected.Add(new RejectedAdvisorRow(rowNumber, $"Email '{email}' is not an email address", email));
                continue;
            }
            if (seen.TryGetValue(email!, out var firstRow))
            {
                rejected.Add(new RejectedAdvisorRow(rowNumber, $"duplicate Email: row {firstRow} already has it", email));
                continue;
            }
            seen.Add(email!, rowNumber);
            advisors.Add(new Advisor
            {
                Email = email!,
                Name = Cell("Name")!,
                Bio = Cell("Bio")!,
                Title = Cell("Title"),
                Phone = Cell("Phone"),
                Active = Cell("Active") is not { } active || !InactiveValues.Contains(active),
                CalendlyUserUri = Cell("CalendlyUserUri"),
            });
        }
        return new AdvisorSheet(advisors, rejected);
    }

    private static Dictionary<string, int> MapColumns(IReadOnlyList<string> header)
    {
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var known = Known.FirstOrDefault(k => string.Equals(k, Normalize(header[i]), StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                continue;
            }
            if (!columns.TryAdd(known, i))
            {
                throw new AdvisorSourceException($"The header row has the column '{known}' twice (columns {columns[known] + 1} and {i + 1}).");
            }
        }
        var missing = Required.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            var found = header.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim());
            throw new AdvisorSourceException(
                $"The header row has no {string.Join(", ", missing.Select(m => $"'{m}'"))} column (found: {string.Join(", ", found)}); " +
                $"required columns are {string.Join(", ", Required)}.");
        }
        return columns;
    }

    /// <summary>Operators write "Calendly User URI" or "calendly_user_uri" as often as the spec's spelling.</summary>
    private static string Normalize(string header) =>
        string.Concat(header.Where(c => c is not (' ' or '_' or '-')));

    private static bool IsBlank(IReadOnlyList<string> row) => row.All(string.IsNullOrWhiteSpace);
}
