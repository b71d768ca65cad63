namespace Turtle.Benchmarks;

/// <summary>What every scenario is run with: smoke or full sizes, and the results gathered so far.</summary>
public sealed class BenchSettings(bool smoke, string outputFolder)
{
    public bool Smoke { get; } = smoke;
    public string OutputFolder { get; } = outputFolder;
    public BenchEnvironment Environment { get; } = BenchEnvironment.Current();

    /// <summary>Bookings in the full scale run (the issue asks for 100,000).</summary>
    public int ScaleBookings { get; init; } = 100_000;

    /// <summary>Bookings whose day of record entries the retention scenario sweeps (issue 33 asks for 10,000).</summary>
    public int RetentionBookings { get; init; } = 10_000;

    /// <summary>Bookings in the console's week page (SPEC §11 asks for 1,000 within 1 s).</summary>
    public int ConsoleBookings { get; init; } = 1_000;

    /// <summary>
    /// Bookings whose whole life the whole-life scenario follows through the counting proxy: four waves of one booking per
    /// index shard of the day, so that none shares an index write with another, as bookings spread over a day do not.
    /// </summary>
    public int WholeLifeBookings { get; init; } = 64;

    /// <summary>Bookings whose AdvisorBio falls due in the due burst's 60 s window (the smoke run takes 30).</summary>
    public int DueBurstBookings { get; init; } = 50_000;

    /// <summary>Time between one step of a booking's life and the next in the whole-life scenario.</summary>
    public TimeSpan WholeLifeGap { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Webhooks in flight at each ingest level (the issue asks for 1, 8, 32 and 128).</summary>
    public IReadOnlyList<int> IngestLevels { get; init; } = [1, 8, 32, 128];
}
