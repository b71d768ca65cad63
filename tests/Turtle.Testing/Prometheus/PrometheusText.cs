using System.Globalization;
using System.Text;

namespace Turtle.Testing.Prometheus;

/// <summary>One sample of the Prometheus text exposition format: <c>name{label="value",…} number</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads what a <c>/metrics</c> endpoint serves (text format 0.0.4): samples, their labels and values.</summary>
public static class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            string name;
            var labels = new Dictionary<string, string>();
            string rest;
            if (brace >= 0 && (space < 0 || brace < space))
            {
                name = line[..brace];
                var end = ParseLabels(line, brace + 1, labels);
                rest = line[(end + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }
            // An optional timestamp may follow the value.
            var value = rest.Split(' ')[0];
            samples.Add(new PrometheusSample(name, labels, ParseValue(value)));
        }
        return samples;
    }

    /// <summary>The sum of <paramref name="name"/>'s samples whose labels include all of <paramref name="labels"/>; 0 when none.</summary>
    public static double Sum(string text, string name, params (string Label, string Value)[] labels) =>
        Parse(text).Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>Reads <c>label="value"</c> pairs up to the closing brace; returns its index.</summary>
    private static int ParseLabels(string line, int position, Dictionary<string, string> labels)
    {
        while (position < line.Length && line[position] != '}')
        {
            var equals = line.IndexOf('=', position);
            var label = line[position..equals].Trim().TrimStart(',').Trim();
            var value = new StringBuilder();
            var i = equals + 2; // past ="
            for (; line[i] != '"'; i++)
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }
            labels[label] = value.ToString();
            position = i + 1;
            if (position < line.Length && line[position] == ',')
            {
                position++;
            }
        }
        return position;
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
