using System.Text.RegularExpressions;

namespace Turtle.Benchmarks;

/// <summary>
/// What a table request is about, from the keys Orleans' Azure providers write: a grain-state row by its state name
/// (PartitionKey <c>{service}_{grain type}_{key}</c>, RowKey the state name: appointment, index, agenda, directory …),
/// a reminder row by its grain's type (RowKey <c>{grain type}_{key}-{reminder}</c>), or the reminder service reading
/// its whole range of reminders.
/// </summary>
public static partial class RowKinds
{
    /// <summary>A <see cref="Turtle.Testing.TableProxy.Label"/>.</summary>
    public static string? Of(string table, string request)
    {
        var newline = request.IndexOf('\n', StringComparison.Ordinal);
        var target = Uri.UnescapeDataString(newline < 0 ? request : request[..newline]);
        var rowKey = (TargetRowKey().Match(target) is { Success: true } t ? t : BodyRowKey().Match(request)) is { Success: true } m ? m.Groups[1].Value : null;
        if (table == "OrleansReminders")
        {
            return rowKey is null ? (target.Contains("$filter", StringComparison.Ordinal) ? "range of reminders" : null)
                : rowKey[..Math.Max(0, rowKey.IndexOf('_', StringComparison.Ordinal))] + " reminder";
        }
        return table.StartsWith("Turtle", StringComparison.Ordinal) ? rowKey ?? "query" : null;
    }

    /// <summary><c>RowKey='x'</c> in a point operation's path, <c>RowKey eq 'x'</c> (or gt, ge) in a query's filter.</summary>
    [GeneratedRegex(@"RowKey\s*(?:=|eq|gt|ge)\s*'([^']*)'")]
    private static partial Regex TargetRowKey();

    [GeneratedRegex(@"""RowKey""\s*:\s*""([^""]*)""")]
    private static partial Regex BodyRowKey();
}
