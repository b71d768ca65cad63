namespace Turtle.Benchmarks;

public static class Stats
{
    /// <summary>Nearest-rank percentile over the full sample; NaN when it is empty.</summary>
    public static double Percentile(IReadOnlyList<double> sample, double percentile)
    {
        if (sample.Count == 0)
        {
            return double.NaN;
        }
        var sorted = sample.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IEnumerable<double> values) => Percentile([.. values], 50);

    public static double Max(IReadOnlyList<double> sample) => sample.Count == 0 ? double.NaN : sample.Max();
}
