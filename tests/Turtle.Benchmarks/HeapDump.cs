using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Turtle.Benchmarks;

/// <summary>One type's share of a managed heap.</summary>
public sealed record HeapType(string Type, long Count, long Bytes);

/// <summary>
/// Where a process's managed heap goes, by type: a heap dump (dotnet-dump collect --type Heap) read with dumpheap -stat.
/// ./bench.sh installs dotnet-dump into .data/tools; without it the scenario notes that no dump was taken.
/// </summary>
public static partial class HeapDump
{
    public static string? Tool()
    {
        var installed = Path.Combine(Turtle.Testing.Processes.TurtleProcess.RepositoryRoot, ".data", "tools", "dotnet-dump");
        var global = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-dump");
        return File.Exists(installed) ? installed : File.Exists(global) ? global : null;
    }

    /// <summary>The heap's total and its <paramref name="top"/> largest types by bytes, or null when no dump could be taken.</summary>
    public static async Task<(long TotalBytes, long Objects, IReadOnlyList<HeapType> Top)?> TopTypesAsync(int pid, int top = 15)
    {
        if (Tool() is not { } tool)
        {
            return null;
        }
        var file = Path.Combine(Path.GetTempPath(), $"turtle-bench-{pid}-{Guid.NewGuid():N}.dmp");
        try
        {
            if ((await RunAsync(tool, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file, "--type", "Heap"])).Code != 0 || !File.Exists(file))
            {
                return null;
            }
            var (code, output) = await RunAsync(tool, ["analyze", file, "-c", "dumpheap -stat", "-c", "exit"]);
            if (code != 0)
            {
                return null;
            }
            var types = new List<HeapType>();
            long total = 0, objects = 0;
            foreach (var line in output.Split('\n'))
            {
                if (TotalLine().Match(line) is { Success: true } t)
                {
                    objects = Number(t.Groups[1].Value);
                    total = Number(t.Groups[2].Value);
                }
                else if (TypeLine().Match(line) is { Success: true } m)
                {
                    types.Add(new HeapType(m.Groups[3].Value.Trim(), Number(m.Groups[1].Value), Number(m.Groups[2].Value)));
                }
            }
            return (total, objects, [.. types.OrderByDescending(x => x.Bytes).Take(top)]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static long Number(string digits) => long.Parse(digits.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static async Task<(int Code, string Output)> RunAsync(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        await errors;
        return (process.ExitCode, await output);
    }

    [GeneratedRegex(@"^\s*[0-9a-f]{8,16}\s+([\d,]+)\s+([\d,]+)\s+(.+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^\s*Total\s+([\d,]+)\s+objects,\s+([\d,]+)\s+bytes")]
    private static partial Regex TotalLine();
}
