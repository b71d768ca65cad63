namespace Turtle.Chaos;

/// <summary>What the run did and when (kills, restarts, outages, bursts), on the console and in <c>chaos.log</c>.</summary>
public sealed class ChaosLog(string folder) : IDisposable
{
    private readonly StreamWriter _file = new(Path.Combine(folder, "chaos.log"), append: true) { AutoFlush = true };
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;

    public void Note(string what)
    {
        var line = $"[{(DateTimeOffset.UtcNow - _start).TotalSeconds,7:0.0}s] {what}";
        lock (_file)
        {
            Console.WriteLine(line);
            _file.WriteLine($"{DateTimeOffset.UtcNow:O} {what}");
        }
    }

    public void Dispose() => _file.Dispose();
}
