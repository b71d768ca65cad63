using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>
/// Turtle as deployed, on loopback: Azurite (its data on disk, so it can be stopped and started again), three
/// Turtle.Silo processes, one Turtle.Api, the fake Graph API, and the fake Calendly API the silos reconcile with.
/// Everything it starts it can kill -9 and start again on the same ports, as a restarted machine would. Each process's
/// output goes to a log file of its own.
/// </summary>
public sealed partial class ChaosCluster(ChaosSettings settings, ChaosLog log) : IAsyncDisposable
{
    public const string SigningKey = "chaos-calendly-signing-key";
    public const string AdminKey = "chaos-admin-key";
    public const string MetaAppSecret = "chaos-meta-app-secret";

    private readonly TurtleProcess?[] _silos = new TurtleProcess?[ChaosSettings.Silos];
    private readonly string _clusterId = "chaos" + settings.Seed.ToString(CultureInfo.InvariantCulture);
    private Process? _azurite;
    private TurtleProcess? _api;
    private int _watchdogWakeups;
    private int _reconcileRuns;
    private int _reconcileCreated;
    private int _reconcileCancelled;
    private int _reconcileFailures;

    public FakeWhatsAppApi WhatsApp { get; } = new();
    public FakeCalendlyApi Calendly { get; } = new();
    public Uri ApiBase => new($"http://127.0.0.1:{settings.ApiPort}");
    public int WatchdogWakeups => _watchdogWakeups;

    /// <summary>
    /// Reconciliations the silos logged, what they booked and cancelled (bookings a webhook also brought count too), and
    /// the runs that failed or reported errors.
    /// </summary>
    public (int Runs, int Created, int Cancelled, int Failures) Reconciliations =>
        (Volatile.Read(ref _reconcileRuns), Volatile.Read(ref _reconcileCreated), Volatile.Read(ref _reconcileCancelled), Volatile.Read(ref _reconcileFailures));
    public bool IsSiloUp(int silo) => _silos[silo] is { HasExited: false };

    private string Storage =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{settings.AzuriteBlob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{settings.AzuriteQueue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{settings.AzuriteTable}/devstoreaccount1;";

    public async Task StartAsync()
    {
        int[] ports = [settings.AzuriteBlob, settings.AzuriteQueue, settings.AzuriteTable, .. Enumerable.Range(0, ChaosSettings.Silos)
            .SelectMany(s => new[] { settings.SiloPort(s), settings.GatewayPort(s), settings.DashboardPort(s) }), settings.ApiPort];
        foreach (var port in ports)
        {
            if (await IsListeningAsync(port))
            {
                throw new InvalidOperationException($"port {port} is in use; choose other ports with --port-base (it takes {ports.Length} from there)");
            }
        }
        await WhatsApp.StartAsync();
        await Calendly.StartAsync();
        await StartAzuriteAsync();
        await Task.WhenAll(Enumerable.Range(0, ChaosSettings.Silos).Select(StartSiloAsync));
        _api = Start("Turtle.Api", "api", new()
        {
            ["ASPNETCORE_URLS"] = ApiBase.ToString(),
            ["Calendly__SigningKey"] = SigningKey,
            ["Admin__ApiKey"] = AdminKey,
            ["WhatsApp__AppSecret"] = MetaAppSecret,
        });
        await _api.WaitUntilHealthyAsync(new Uri(ApiBase, "/health/ready").ToString(), TimeSpan.FromSeconds(120));
        // Meta reports every message it took, answer or not: a send whose answer a kill or a stall lost is recorded from it.
        WhatsApp.ReportStatusesTo(new Uri(ApiBase, "/webhooks/whatsapp"), MetaAppSecret);
    }

    /// <summary>Starts silo <paramref name="silo"/> (0-2) on its own ports and waits until it is live.</summary>
    public async Task StartSiloAsync(int silo)
    {
        var process = Start("Turtle.Silo", $"silo{silo}", new()
        {
            ["Orleans__SiloPort"] = settings.SiloPort(silo).ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = settings.GatewayPort(silo).ToString(CultureInfo.InvariantCulture),
            ["Orleans__DashboardPort"] = settings.DashboardPort(silo).ToString(CultureInfo.InvariantCulture),
            ["WhatsApp__ApiBaseUrl"] = WhatsApp.BaseUrl.ToString().TrimEnd('/'),
            ["WhatsApp__AccessToken"] = WhatsApp.AccessToken,
            ["WhatsApp__PhoneNumberId"] = WhatsApp.PhoneNumberId,
            ["Notifications__AdvisorBioLeadTime"] = ChaosSettings.BioLead.ToString(),
            ["Notifications__ReminderLeadTimes__0"] = ChaosSettings.ReminderLead.ToString(),
            ["Notifications__ReconfirmLeadTime"] = ChaosSettings.ReconfirmLead.ToString(),
            ["Notifications__FollowUpDelay"] = ChaosSettings.FollowUpDelay.ToString(),
            // A personal access token turns reconciliation on, every interval, against the fake's events.
            ["Calendly__ApiToken"] = Calendly.ApiToken,
            ["Calendly__ApiBaseUrl"] = Calendly.BaseUrl.ToString().TrimEnd('/'),
            ["Calendly__ReconcileInterval"] = ChaosSettings.ReconcileInterval.ToString(),
            ["Notifications__RetryBaseDelay"] = "00:00:02",
            ["Notifications__RetryMaxDelay"] = "00:00:20",
            ["Notifications__MaxAttempts"] = "20",
            ["Notifications__SendTimeout"] = "00:00:40",
            ["Notifications__WatchdogInterval"] = "00:00:15",
            ["Notifications__WatchdogGrace"] = "00:00:45",
            ["Notifications__HeldRecheckInterval"] = ChaosSettings.HeldRecheckInterval.ToString(),
        });
        process.LineWritten += line =>
        {
            if (line.Contains("woken by the watchdog", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _watchdogWakeups);
            }
            else if (ReconcileLine().Match(line) is { Success: true } run)
            {
                Interlocked.Increment(ref _reconcileRuns);
                Interlocked.Add(ref _reconcileCreated, int.Parse(run.Groups["created"].ValueSpan, CultureInfo.InvariantCulture));
                Interlocked.Add(ref _reconcileCancelled, int.Parse(run.Groups["cancelled"].ValueSpan, CultureInfo.InvariantCulture));
                if (!line.Contains("no errors", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _reconcileFailures);
                }
            }
            else if (line.Contains("Calendly reconciliation failed", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _reconcileFailures);
            }
        };
        _silos[silo] = process;
        await process.WaitUntilHealthyAsync($"http://127.0.0.1:{settings.DashboardPort(silo)}/health/live", TimeSpan.FromSeconds(120));
    }

    /// <summary>kill -9 of silo <paramref name="silo"/>: no shutdown, no goodbye to the cluster.</summary>
    public void KillSilo(int silo)
    {
        _silos[silo]?.Kill();
        log.Note($"killed silo{silo} (kill -9)");
    }

    /// <summary>
    /// Stops Azurite (SIGTERM, as a storage outage, not a disk lost); <see cref="StartAzuriteAsync"/> starts it again on
    /// the same data folder. Not kill -9: Azurite keeps its tables in memory and saves them every few seconds, so a
    /// kill loses writes it had acknowledged, which Azure Storage never does (the first chaos runs saw exactly that).
    /// </summary>
    public void StopAzurite()
    {
        if (_azurite is { HasExited: false })
        {
            using (var term = Process.Start("kill", ["-TERM", _azurite.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }
            if (!_azurite.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _azurite.Kill(entireProcessTree: true);
                _azurite.WaitForExit();
            }
        }
        log.Note("Azurite stopped");
    }

    public async Task StartAzuriteAsync()
    {
        var bin = Path.Combine(TurtleProcess.RepositoryRoot, "node_modules", ".bin", "azurite");
        var data = Path.Combine(settings.Output, "azurite");
        Directory.CreateDirectory(data);
        var info = new ProcessStartInfo(bin,
        [
            "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--location", data,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", settings.AzuriteBlob.ToString(CultureInfo.InvariantCulture),
            "--queuePort", settings.AzuriteQueue.ToString(CultureInfo.InvariantCulture),
            "--tablePort", settings.AzuriteTable.ToString(CultureInfo.InvariantCulture),
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        _azurite = Process.Start(info) ?? throw new InvalidOperationException("could not start Azurite (node_modules/.bin/azurite; run ensure_azurite)");
        _azurite.OutputDataReceived += (_, _) => { };
        _azurite.ErrorDataReceived += (_, _) => { };
        _azurite.BeginOutputReadLine();
        _azurite.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await IsListeningAsync(settings.AzuriteTable))
        {
            if (DateTime.UtcNow > deadline || _azurite.HasExited)
            {
                throw new InvalidOperationException($"Azurite did not open port {settings.AzuriteTable}");
            }
            await Task.Delay(200);
        }
        log.Note("Azurite started");
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
        foreach (var silo in _silos.OfType<TurtleProcess>())
        {
            silo.Kill();
            await silo.DisposeAsync();
        }
        StopAzurite();
        _azurite?.Dispose();
        await WhatsApp.DisposeAsync();
        await Calendly.DisposeAsync();
    }

    private TurtleProcess Start(string project, string name, Dictionary<string, string?> environment)
    {
        environment["ConnectionStrings__AzureStorage"] = Storage;
        environment["Orleans__ClusterId"] = _clusterId;
        environment["Orleans__ServiceId"] = _clusterId;
        var process = TurtleProcess.Start(project, environment);
        var file = new StreamWriter(Path.Combine(settings.Output, name + ".log"), append: true) { AutoFlush = true };
        file.WriteLine($"==== {DateTimeOffset.UtcNow:O} started, pid {process.Id}");
        process.LineWritten += line =>
        {
            lock (file)
            {
                file.WriteLine(line);
            }
        };
        return process;
    }

    /// <summary>The silo's log of one reconciliation (<c>CalendlyReconciler</c>): what it found and did.</summary>
    [GeneratedRegex(@"Calendly reconciliation: \d+ events, \d+ invitees, (?<created>\d+) created, (?<cancelled>\d+) cancelled")]
    private static partial Regex ReconcileLine();

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
