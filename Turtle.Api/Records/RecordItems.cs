using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Turtle.Grains.Records;

namespace Turtle.Api.Records;

/// <summary>
/// One entry of a client's record as <c>GET /api/records</c> and <c>./turtle records export</c> show it (SPEC §13): every
/// field always present, null where it does not apply, so an export's shape never depends on its content.
/// </summary>
public sealed record RecordItem(
    DateTimeOffset At,
    string Direction,
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? MessageId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Actor)
{
    public static RecordItem From(RecordEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // A message on an operator's own template has no wording Turtle knows: its template and values stand for it.
        var text = entry.Text ?? (entry.Template is { } template ? $"{template}({string.Join(", ", entry.Parameters)})" : null);
        var status = entry.ErrorCode is { } code ? $"{entry.Status} ({code}: {entry.ErrorText})" : entry.Status;
        return new RecordItem(entry.At, entry.Direction, entry.Kind, text, entry.MessageId, status, entry.Actor);
    }
}

/// <summary><c>GET /api/records</c>'s answer.</summary>
public sealed record RecordResponse(IReadOnlyList<RecordItem> Items);

/// <summary>Which client's record and which part of it, as the API and the command line both take it.</summary>
public sealed partial record RecordRequest(string Phone, DateTimeOffset? From, DateTimeOffset? To)
{
    /// <summary>The request, or the problems with it keyed by the field (query parameter or option) they are about.</summary>
    public static (RecordRequest? Request, Dictionary<string, string[]> Errors) Parse(string? phone, string? from, string? to)
    {
        var errors = new Dictionary<string, string[]>();
        var number = phone?.Trim();
        if (string.IsNullOrEmpty(number) || !E164().IsMatch(number))
        {
            errors["phone"] = ["an E.164 number is required, e.g. +919812345678"];
        }
        var since = Time(from, "from", errors);
        var until = Time(to, "to", errors);
        if (since > until)
        {
            errors["from"] = ["must not be after to"];
        }
        return errors.Count > 0 ? (null, errors) : (new RecordRequest(number!, since, until), errors);
    }

    private static DateTimeOffset? Time(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }
        errors[field] = ["not an ISO 8601 time, e.g. 2026-11-25T00:00:00Z"];
        return null;
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}

/// <summary>The record written out: CSV (RFC 4180, a header row) or JSON Lines, one item a line.</summary>
public static class RecordFormats
{
    public const string Csv = "csv";
    public const string JsonLines = "jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ToCsv(IEnumerable<RecordItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var csv = new StringBuilder("at,direction,kind,text,messageId,status,actor\r\n");
        foreach (var item in items)
        {
            csv.AppendJoin(',', new[] { RecordChain.FormatTime(item.At), item.Direction, item.Kind, item.Text, item.MessageId, item.Status, item.Actor }.Select(Field));
            csv.Append("\r\n");
        }
        return csv.ToString();
    }

    public static string ToJsonLines(IEnumerable<RecordItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var lines = new StringBuilder();
        foreach (var item in items)
        {
            lines.Append(JsonSerializer.Serialize(item, Json)).Append('\n');
        }
        return lines.ToString();
    }

    private static string Field(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
