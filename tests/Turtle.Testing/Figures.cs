using Turtle.Testing.Processes;

namespace Turtle.Testing;

/// <summary>
/// Measurements tests make on the way (latencies, lateness), appended to <c>.data/test-logs/figures.txt</c> so a
/// test run reports them; test.sh prints the file before its totals.
/// </summary>
public static class Figures
{
    private static readonly Lock Gate = new();

    public static void Record(string line)
    {
        var path = Path.Combine(TurtleProcess.RepositoryRoot, ".data", "test-logs", "figures.txt");
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, $"{DateTimeOffset.UtcNow:u} {line}{Environment.NewLine}");
        }
    }
}
