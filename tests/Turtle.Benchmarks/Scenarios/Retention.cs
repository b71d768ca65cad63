using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Turtle.Grains.Records;
using Turtle.Testing;
using Turtle.Testing.Processes;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// The firm's record at the sizes issue 33 names: the retention sweep over one day of 10,000 bookings' entries (time and
/// table transactions), <c>./turtle records verify</c> over 100,000 entries and <c>./turtle records export</c> of a client
/// with 1,000 entries (time). The entries are written straight to the record's table as its grain writes them (ten a
/// booking on its day: opt-in, Confirmation and its three statuses, Reminder and its three statuses, a reply), on a day
/// long past; the sweep is the silo's own code (<see cref="RecordRetention"/>), run in this process against the same storage.
/// </summary>
public static class Retention
{
    private const int EntriesPerBooking = 10;
    private const int ExportEntries = 1_000;
    private const int SeedConcurrency = 32;

    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("retention", settings.Smoke, settings.Environment);
        var bookings = settings.Smoke ? 200 : settings.RetentionBookings;
        var table = new RecordTable(new TableServiceClient(TestStorage.ConnectionString));
        var day = new DateOnly(2001, 6, 1);
        var run = Guid.NewGuid().ToString("N")[..6];

        var seed = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, bookings), new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency },
            async (i, _) => await WriteChainAsync(table, Client(run, i), day, EntriesPerBooking));
        var exported = Client(run, bookings);
        await WriteChainAsync(table, exported, day.AddDays(1), ExportEntries);
        result.Add("seeding: entries written", bookings * EntriesPerBooking + ExportEntries, "entries");
        result.Add("seeding time", seed.Elapsed.TotalSeconds, "s");
        Console.WriteLine($"   seeded {bookings:#,0} bookings' entries in {seed.Elapsed.TotalSeconds:0} s; verifying");

        var environment = new Dictionary<string, string?> { ["ConnectionStrings__AzureStorage"] = TestStorage.ConnectionString };
        var verify = Stopwatch.StartNew();
        var verified = await TurtleCommand.RunAsync("dotnet", [TurtleProcess.BinaryPath("Turtle.Api"), "records", "verify"], environment, TimeSpan.FromMinutes(20));
        var verifySeconds = verify.Elapsed.TotalSeconds;
        result.MustBeZero("verify exit code", verified.ExitCode);
        result.Add($"./turtle records verify, {Entries(verified.Output)} entries", verifySeconds, "s");

        Console.WriteLine($"   verified in {verifySeconds:0} s; exporting, then sweeping");
        var export = Stopwatch.StartNew();
        var file = Path.Combine(Path.GetTempPath(), $"turtle-bench-export-{run}.csv");
        var exportRun = await TurtleCommand.RunAsync("dotnet", [TurtleProcess.BinaryPath("Turtle.Api"), "records", "export", "--phone", exported, "--format", "csv", "--out", file], environment);
        var exportSeconds = export.Elapsed.TotalSeconds;
        result.MustBeZero("export exit code", exportRun.ExitCode);
        result.MustBeZero("export rows missing", ExportEntries + 1 - (File.Exists(file) ? File.ReadAllLines(file).Length : 0));
        File.Delete(file);
        result.Add($"./turtle records export of a client with {ExportEntries:#,0} entries (csv, process start included)", exportSeconds, "s");
        var read = Stopwatch.StartNew();
        var entries = await table.ReadAsync(exported);
        result.Add($"of which reading the client's {entries.Count:#,0} entries", read.Elapsed.TotalMilliseconds, "ms");

        var sweep = Stopwatch.StartNew();
        var (clients, transactions) = await new RecordRetention(table).SweepDayAsync(day);
        var sweepSeconds = sweep.Elapsed.TotalSeconds;
        result.Add($"retention sweep of one day of {bookings:#,0} bookings' entries ({bookings * EntriesPerBooking:#,0})", sweepSeconds, "s");
        result.Add("retention sweep: entity group transactions (deletes with the cut, and the day's lists)", transactions, "transactions");
        result.Add("retention sweep: row-range reads (one a client, plus the day's list)", clients + Math.Ceiling(bookings / 1000.0), "queries");
        result.MustBeZero("clients of the day left unswept", bookings - clients);
        var left = 0;
        foreach (var i in new[] { 0, bookings / 2, bookings - 1 })
        {
            var chain = await table.ReadChainAsync(Client(run, i));
            left += chain.Entries.Count + (chain.Cut is null ? 1 : 0);
        }
        result.MustBeZero("entries left on the swept day (sampled clients)", left);
        result.Notes.Add($"{bookings:#,0} clients, {EntriesPerBooking} entries each on {day:yyyy-MM-dd}; the sweep runs {RecordRetention.Concurrency} clients at once. " +
            "Verify reads the whole table (every client's chain, the export client's and any other scenario's included).");
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    private static string Client(string run, int i) => "+91" + (7_000_000_000L + (long.Parse(run[..4], NumberStyles.HexNumber, CultureInfo.InvariantCulture) % 900) * 1_000_000 + i).ToString(CultureInfo.InvariantCulture);

    private static string Entries(string verifyOutput)
    {
        // "In order: N entries of M client(s), every hash chain holds."
        var words = verifyOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(words, "entries");
        return index > 0 ? words[index - 1] : "?";
    }

    private static async Task WriteChainAsync(RecordTable table, string client, DateOnly day, int count)
    {
        await table.MarkDayAsync(client, day);
        var previous = RecordChain.Start;
        var rows = new List<StoredRecordEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var entry = new RecordEntry
            {
                Id = $"bench/{i}",
                At = new DateTimeOffset(day.ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero).AddSeconds(i),
                Direction = i % 2 == 0 ? RecordDirections.Out : RecordDirections.In,
                Kind = i % 2 == 0 ? "Confirmation" : "text",
                Text = "Hello Asha, your consultation with Priya Sharma is confirmed for 10 June, 11:00.",
                Template = "booking_confirmation",
                Language = "en",
                Parameters = ["Asha", "Priya Sharma", "10 June, 11:00"],
                MessageId = $"wamid.bench{i}",
                Status = "accepted",
                Actor = "webhook",
            };
            var hash = RecordChain.Hash(previous, entry);
            rows.Add(new StoredRecordEntry(client, RecordTable.RowKey(day, i + 1), entry, previous, hash));
            previous = hash;
        }
        foreach (var batch in rows.Chunk(RecordTable.MaxBatch))
        {
            if (!await table.AddAsync(batch))
            {
                throw new InvalidOperationException($"a row of {client} existed already");
            }
        }
    }
}
