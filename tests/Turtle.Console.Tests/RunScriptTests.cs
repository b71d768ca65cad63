using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Turtle.Testing.Processes;
using Xunit.Abstractions;

namespace Turtle.OperationsConsole.Tests;

/// <summary>
/// <c>./run.sh</c> as a developer runs it, on ports and a data folder of its own so it runs beside <c>./test.sh</c>'s
/// Azurite or a developer's own <c>./run.sh</c>: the console address it prints opens the console, and Ctrl-C stops
/// everything it started.
/// </summary>
public sealed partial class RunScriptTests(ITestOutputHelper output)
{
    private const int SigInt = 2;

    [Fact]
    public async Task RunShPrintsTheConsoleUrlWhichOpensTheSignInPageAndCtrlCStopsEverything()
    {
        var data = Directory.CreateTempSubdirectory("turtle-run-sh-");
        var lines = new ConcurrentQueue<string>();
        var console = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A session of its own: its id is run.sh's pid, and everything run.sh starts stays in it.
        using var runSh = new Process { StartInfo = StartInfo(data.FullName), EnableRaisingEvents = true };
        runSh.OutputDataReceived += (_, e) => Read(e.Data);
        runSh.ErrorDataReceived += (_, e) => Read(e.Data);
        runSh.Exited += (_, _) => console.TrySetException(new InvalidOperationException(
            $"run.sh exited with {runSh.ExitCode} before printing the console's address:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}"));
        var watch = Stopwatch.StartNew();
        runSh.Start();
        runSh.BeginOutputReadLine();
        runSh.BeginErrorReadLine();
        try
        {
            // Started from the built binaries it is up in seconds; when it builds first, it takes minutes.
            var startup = runSh.StartInfo.Environment.ContainsKey("TURTLE_NO_BUILD") ? TimeSpan.FromSeconds(120) : TimeSpan.FromMinutes(10);
            var url = await console.Task.WaitAsync(startup);
            output.WriteLine($"run.sh printed the console at {url} after {watch.Elapsed.TotalSeconds:0.0} s");

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var page = await http.GetAsync(url);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("/login?ReturnUrl=%2F", page.RequestMessage!.RequestUri!.PathAndQuery);
            Assert.Equal("Sign in · Turtle console", WebUtility.HtmlDecode(Title().Match(html).Groups[1].Value));
            Assert.Contains("<label for=\"key\">Admin key</label>", html, StringComparison.Ordinal);

            // On the ports and in the folder it was given, not the defaults a running ./run.sh holds.
            var environment = runSh.StartInfo.Environment;
            Assert.Equal(environment["TURTLE_API_PORT"], url.Port.ToString(CultureInfo.InvariantCulture));
            using (var silo = await http.GetAsync(new Uri($"http://127.0.0.1:{environment["Orleans__DashboardPort"]}/health/live")))
            {
                Assert.Equal(HttpStatusCode.OK, silo.StatusCode);
            }
            using (var azurite = new System.Net.Sockets.TcpClient())
            {
                await azurite.ConnectAsync(IPAddress.Loopback, int.Parse(environment["TURTLE_AZURITE_TABLE_PORT"]!, CultureInfo.InvariantCulture));
            }
            Assert.True(File.Exists(Path.Combine(data.FullName, "silo.log")), "the silo's log is not in TURTLE_DATA_DIR");
            Assert.True(Directory.Exists(Path.Combine(data.FullName, "azurite")), "Azurite's data is not in TURTLE_DATA_DIR");

            var started = Session(runSh.Id);
            Assert.True(started.Count >= 4, $"run.sh, Azurite, the silo and the API, but the session has: {Describe(started)}");
            // Ctrl-C is SIGINT to the terminal's foreground group. A shell started with SIGINT ignored (under nohup, as a
            // background job) cannot trap it; run.sh traps TERM alike, which then stands in.
            var signal = IgnoresSigInt(runSh.Id) ? "TERM" : "INT";
            watch.Restart();
            using (var kill = Process.Start("kill", [$"-{signal}", "--", $"-{runSh.Id.ToString(CultureInfo.InvariantCulture)}"]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }
            using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await runSh.WaitForExitAsync(stopping.Token);
            }
            output.WriteLine($"SIG{signal} to run.sh's process group: it stopped in {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(130, runSh.ExitCode);
            // In order, Azurite last, it takes a second or two; a silo that cannot leave the cluster's table because Azurite
            // closed under it is killed only after run.sh's 20 s.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"run.sh took {watch.Elapsed.TotalSeconds:0.0} s to stop");
            var left = Session(runSh.Id);
            Assert.True(left.Count == 0, $"run.sh left running: {Describe(left)}");
        }
        finally
        {
            foreach (var line in lines)
            {
                output.WriteLine(line);
            }
            // Whatever a failure left running is stopped here, by its pid.
            foreach (var pid in runSh.HasExited ? Session(runSh.Id) : [runSh.Id, .. Session(runSh.Id)])
            {
                KillHard(pid);
            }
            data.Delete(recursive: true);
        }

        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }
            lines.Enqueue(line);
            if (ConsoleLine().Match(line) is { Success: true } match)
            {
                console.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
    }

    private static ProcessStartInfo StartInfo(string dataDirectory)
    {
        var info = new ProcessStartInfo("setsid", [Path.Combine(TurtleProcess.RepositoryRoot, "run.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TurtleProcess.RepositoryRoot,
        };
        // Configuration the test run may carry would point run.sh's silo and API elsewhere than its own Azurite.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
            || k.StartsWith("Orleans__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
            || k.StartsWith("Admin__", StringComparison.Ordinal) || k.StartsWith("TURTLE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        var ports = FreePorts(7);
        info.Environment["TURTLE_API_PORT"] = ports[0];
        info.Environment["TURTLE_AZURITE_BLOB_PORT"] = ports[1];
        info.Environment["TURTLE_AZURITE_QUEUE_PORT"] = ports[2];
        info.Environment["TURTLE_AZURITE_TABLE_PORT"] = ports[3];
        info.Environment["Orleans__SiloPort"] = ports[4];
        info.Environment["Orleans__GatewayPort"] = ports[5];
        info.Environment["Orleans__DashboardPort"] = ports[6];
        info.Environment["TURTLE_DATA_DIR"] = dataDirectory;
        // run.sh starts the Debug build, which building these tests in Debug has made.
        if (TurtleProcess.BuildConfiguration == "Debug")
        {
            info.Environment["TURTLE_NO_BUILD"] = "1";
        }
        return info;
    }

    private static List<string> FreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(TurtleProcess.FreePort());
        }
        return [.. ports.Select(p => p.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>The live processes of session <paramref name="sessionId"/> (zombies, already ended, are left out).</summary>
    private static List<int> Session(int sessionId)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            // "pid (comm) state ppid pgrp session …"; comm may hold spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] != "Z" && fields[3] == sessionId.ToString(CultureInfo.InvariantCulture))
            {
                members.Add(pid);
            }
        }
        return members;
    }

    private static string Describe(IEnumerable<int> pids) =>
        string.Join("; ", pids.Select(pid => $"{pid} {ReadOrEmpty($"/proc/{pid}/cmdline").Replace('\0', ' ')}"));

    private static bool IgnoresSigInt(int pid)
    {
        var ignored = ReadOrEmpty($"/proc/{pid}/status").Split('\n').FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return ignored is not null
            && (ulong.Parse(ignored["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (SigInt - 1))) != 0;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static void KillHard(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }
    }

    [GeneratedRegex(@"^\s*Console\s+(http://\S+)")]
    private static partial Regex ConsoleLine();

    [GeneratedRegex("<title>([^<]*)</title>")]
    private static partial Regex Title();
}
