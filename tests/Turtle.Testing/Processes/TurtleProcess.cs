using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Turtle.Testing.Processes;

/// <summary>
/// A real Turtle.Silo or Turtle.Api process started from its build output, as an operator would run it.
/// Output is captured for failure messages; <see cref="Kill"/> is kill -9.
/// </summary>
public sealed class TurtleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private TurtleProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>For a silo: the ports it was started on, so it can be restarted on them.</summary>
    public SiloPorts? Ports { get; set; }
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    /// <summary>Every line the process writes, as it writes it (on a thread of its own).</summary>
    public event Action<string>? LineWritten;

    /// <summary>The last lines the process wrote, for assertion messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output.TakeLast(200));

    /// <summary>Every line kept so far (the newest 20,000).</summary>
    public IReadOnlyList<string> Lines => [.. _output];

    /// <summary>Starts <c>Turtle.Silo</c> or <c>Turtle.Api</c> with the given configuration as environment variables.</summary>
    public static TurtleProcess Start(string project, IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var dll = BinaryPath(project);
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {project}");
        return new TurtleProcess(project, process);
    }

    /// <summary>The built <c>Turtle.Silo</c> or <c>Turtle.Api</c> assembly, as this test assembly's configuration built it.</summary>
    public static string BinaryPath(string project)
    {
        var dll = Path.Combine(RepositoryRoot, project, "bin", BuildConfiguration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{project} is not built; run dotnet build first.", dll);
    }

    /// <summary>Polls <paramref name="url"/> until it answers 2xx, failing early if the process exits.</summary>
    public async Task WaitUntilHealthyAsync(string url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var healthy = await Eventually.ReadAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(url));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, answered => answered, timeout);
        if (healthy)
        {
            return;
        }
        throw new TimeoutException($"{Name} was not healthy at {url} within {timeout}:{Environment.NewLine}{Output}");
    }

    /// <summary>Waits for the process to end by itself; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM and wait for a graceful shutdown.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(20));
        _process.Dispose();
    }

    /// <summary>
    /// A port no one listens on now, for a process about to start. It is taken below the kernel's ephemeral range
    /// (32768 and up on Linux): a port the kernel handed out would be free again here, then taken at once as the local
    /// end of some test's outgoing connection before the new process binds it. Below the range only another test's
    /// choice can take it, and each process picks at random among thousands.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(FirstPort, LastPort);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }
        throw new InvalidOperationException($"no free port between {FirstPort} and {LastPort}");
    }

    // Clear of ./run.sh's and ./test.sh's fixed ports (5080, 8080, 10000-10445, 11111, 30000).
    private const int FirstPort = 12000;
    private const int LastPort = 29900;

    /// <summary>The folder holding Turtle.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Debug or Release, as this test assembly was built.</summary>
    public static string BuildConfiguration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }
        LineWritten?.Invoke(line);
        _output.Enqueue(line);
        while (_output.Count > 20_000)
        {
            _output.TryDequeue(out _);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Turtle.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Turtle.sln not found above " + AppContext.BaseDirectory);
    }
}
