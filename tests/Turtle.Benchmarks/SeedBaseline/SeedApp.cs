using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.Benchmarks;

/// <summary>
/// The seed design's reproduction (<c>SeedBaseline/seed_app.py</c>, benchmark tooling only) as a process,
/// started under a task limit: it spends one OS thread per pending message, and unbounded it would take
/// process ids from everything else on the machine.
/// </summary>
/// <remarks>
/// The limit is RLIMIT_NPROC (<c>prlimit --nproc</c>), which counts every task of the process's real user.
/// Linux does not apply it to root, so when the benchmark runs as root the app runs as <c>nobody</c>
/// (<c>setpriv</c>), whose tasks are then only the app's own.
/// </remarks>
public sealed class SeedApp : IAsyncDisposable
{
    private const int Nobody = 65534;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private string? _banner;

    private SeedApp(Process process, int port, int taskLimit, string user)
    {
        _process = process;
        Port = port;
        TaskLimit = taskLimit;
        User = user;
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string Script { get; } = Path.Combine(TurtleProcess.RepositoryRoot, "tests", "Turtle.Benchmarks", "SeedBaseline", "seed_app.py");

    public int Port { get; }
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    /// <summary>RLIMIT_NPROC the app runs under: its threads, the main one included, can never exceed it.</summary>
    public int TaskLimit { get; }

    /// <summary>The user the app runs as (its tasks are what the limit counts).</summary>
    public string User { get; }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public double RssMiB => SiloMetrics.RssMiB(Id);

    /// <summary>Threads other than the main one: timers, plus request threads while connections are open.</summary>
    public int ExtraThreads => SiloMetrics.Threads(Id) - 1;

    /// <summary>The app's first line: the Python version and interpreter it runs on.</summary>
    public string? Banner => _banner;

    public string Output => string.Join(Environment.NewLine, _output.TakeLast(50));

    /// <summary>The latest line the app wrote that contains <paramref name="text"/> (of its last 500 lines).</summary>
    public string? LastLine(string text) => _output.LastOrDefault(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Starts the app against <paramref name="whatsApp"/> and waits until it accepts connections.</summary>
    public static async Task<SeedApp> StartAsync(FakeWhatsAppApi whatsApp, int taskLimit, int? port = null)
    {
        var listenPort = port ?? TurtleProcess.FreePort();
        var info = new ProcessStartInfo("prlimit")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Script)!,
        };
        info.ArgumentList.Add($"--nproc={taskLimit}:{taskLimit}");
        info.ArgumentList.Add("--");
        string user;
        if (Environment.IsPrivilegedProcess)
        {
            foreach (var arg in new[] { "setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", PythonForOthers() })
            {
                info.ArgumentList.Add(arg);
            }
            user = "nobody";
        }
        else
        {
            info.ArgumentList.Add("python3");
            user = Environment.UserName;
        }
        foreach (var arg in new[] { "-I", Script, "--port", listenPort.ToString(CultureInfo.InvariantCulture),
            "--graph-api-base-url", whatsApp.BaseUrl.ToString(), "--phone-number-id", whatsApp.PhoneNumberId })
        {
            info.ArgumentList.Add(arg);
        }
        // Secrets by environment, not on a command line every user can read.
        info.Environment["CALENDLY_SIGNING_KEY"] = TurtleDeployment.SigningKey;
        info.Environment["WHATSAPP_ACCESS_TOKEN"] = whatsApp.AccessToken;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start prlimit");
        var app = new SeedApp(process, listenPort, taskLimit, user);
        await app.WaitUntilListeningAsync(TimeSpan.FromSeconds(20));
        return app;
    }

    /// <summary>kill -9: the seed's state lives only in this process.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"seed app exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"seed app did not listen on {Port} within {timeout}:{Environment.NewLine}{Output}");
    }

    /// <summary>The first python3 on PATH that another user can run (root's pyenv under /root cannot be reached by nobody).</summary>
    private static string PythonForOthers()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "python3");
            if (!File.Exists(candidate))
            {
                continue;
            }
            var target = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            if (OthersCanRun(candidate) && OthersCanRun(target))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("no python3 on PATH that user nobody can run (the seed app runs as nobody so its task limit applies)");
    }

    private static bool OthersCanRun(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true; // unreachable: the app runs as nobody only on Linux
        }
        if ((File.GetUnixFileMode(path) & UnixFileMode.OtherExecute) == 0)
        {
            return false;
        }
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }
        return true;
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (_banner is null && line.StartsWith("seed app on", StringComparison.Ordinal))
        {
            _banner = line;
        }
        _output.Enqueue(line);
        while (_output.Count > 500)
        {
            _output.TryDequeue(out _);
        }
    }
}
