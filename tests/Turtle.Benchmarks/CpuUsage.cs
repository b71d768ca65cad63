using System.Globalization;

namespace Turtle.Benchmarks;

/// <summary>
/// CPU time of the processes in play (silo, API, Azurite, this load generator) from /proc, to show which
/// one a scenario saturates on a small machine.
/// </summary>
public sealed class CpuUsage
{
    private readonly Dictionary<string, int> _pids;
    private readonly Dictionary<string, double> _start;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    private CpuUsage(Dictionary<string, int> pids)
    {
        _pids = pids;
        _start = pids.ToDictionary(p => p.Key, p => Seconds(p.Value));
    }

    public static CpuUsage Start(IReadOnlyDictionary<string, int> pids)
    {
        var all = new Dictionary<string, int>(pids) { ["benchmark"] = Environment.ProcessId };
        if (int.TryParse(Environment.GetEnvironmentVariable("TURTLE_AZURITE_PID"), CultureInfo.InvariantCulture, out var azurite))
        {
            all["azurite"] = azurite;
        }
        return new CpuUsage(all);
    }

    /// <summary>Percent of one core each process used since <see cref="Start"/>.</summary>
    public Dictionary<string, double> Percent()
    {
        var wall = (DateTimeOffset.UtcNow - _startedAt).TotalSeconds;
        return _pids.ToDictionary(p => p.Key, p => Math.Round((Seconds(p.Value) - _start[p.Key]) / wall * 100, 1));
    }

    /// <summary>CPU seconds each process used since <see cref="Start"/>.</summary>
    public Dictionary<string, double> Seconds() => _pids.ToDictionary(p => p.Key, p => Seconds(p.Value) - _start[p.Key]);

    /// <summary>utime + stime of a process in seconds (clock ticks of 1/100 s on Linux).</summary>
    private static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
