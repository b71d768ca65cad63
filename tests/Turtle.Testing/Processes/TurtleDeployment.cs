using Turtle.Testing.WhatsApp;

namespace Turtle.Testing.Processes;

/// <summary>
/// Turtle as deployed: real silo and API processes on loopback, Azure Storage on Azurite, and the fake
/// Graph API in Meta's place. Each deployment has its own cluster id, so several can share one Azurite.
/// </summary>
public sealed class TurtleDeployment : IAsyncDisposable
{
    public const string SigningKey = "e2e-calendly-signing-key";
    public const string AdminKey = "e2e-admin-key";
    public const string AppSecret = "e2e-whatsapp-app-secret";
    public const string VerifyToken = "e2e-verify-token";

    private readonly List<TurtleProcess> _silos = [];
    private readonly Dictionary<string, string?> _extra;

    public TurtleDeployment(IReadOnlyDictionary<string, string?>? configuration = null)
    {
        _extra = configuration?.ToDictionary(kv => kv.Key, kv => kv.Value) ?? [];
        ClusterId = TestStorage.UniqueId("e2e");
        ApiPort = TurtleProcess.FreePort();
    }

    public FakeWhatsAppApi WhatsApp { get; } = new();
    public string ClusterId { get; }
    public int ApiPort { get; }
    public Uri ApiBase => new($"http://127.0.0.1:{ApiPort}");
    public TurtleProcess? Api { get; private set; }
    public IReadOnlyList<TurtleProcess> Silos => _silos;

    /// <summary>An HTTP client for the API that sends the admin key.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = ApiBase, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    public async Task StartAsync(int silos = 1)
    {
        await WhatsApp.StartAsync();
        for (var i = 0; i < silos; i++)
        {
            await StartSiloAsync();
        }
        await StartApiAsync();
    }

    /// <summary>Starts a silo; <paramref name="ports"/> reuses a dead silo's ports, as a restarted machine would.</summary>
    public async Task<TurtleProcess> StartSiloAsync(SiloPorts? ports = null)
    {
        ports ??= new SiloPorts(TurtleProcess.FreePort(), TurtleProcess.FreePort(), TurtleProcess.FreePort());
        var environment = new Dictionary<string, string?>(Common())
        {
            ["Orleans__SiloPort"] = ports.Silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = ports.Gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__DashboardPort"] = ports.Dashboard.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WhatsApp__ApiBaseUrl"] = WhatsApp.BaseUrl.ToString().TrimEnd('/'),
            ["WhatsApp__AccessToken"] = WhatsApp.AccessToken,
            ["WhatsApp__PhoneNumberId"] = WhatsApp.PhoneNumberId,
        };
        var silo = TurtleProcess.Start("Turtle.Silo", environment);
        silo.Ports = ports;
        _silos.Add(silo);
        await silo.WaitUntilHealthyAsync($"http://127.0.0.1:{ports.Dashboard}/health/live", TimeSpan.FromSeconds(90));
        return silo;
    }

    public async Task StartApiAsync()
    {
        var environment = new Dictionary<string, string?>(Common())
        {
            ["ASPNETCORE_URLS"] = ApiBase.ToString(),
            ["Calendly__SigningKey"] = SigningKey,
            ["Admin__ApiKey"] = AdminKey,
            ["WhatsApp__AppSecret"] = AppSecret,
            ["WhatsApp__VerifyToken"] = VerifyToken,
        };
        Api = TurtleProcess.Start("Turtle.Api", environment);
        await Api.WaitUntilHealthyAsync(new Uri(ApiBase, "/health/ready").ToString(), TimeSpan.FromSeconds(90));
    }

    public async ValueTask DisposeAsync()
    {
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
        await WhatsApp.DisposeAsync();
    }

    private Dictionary<string, string?> Common()
    {
        var common = new Dictionary<string, string?>
        {
            ["ConnectionStrings__AzureStorage"] = TestStorage.ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ClusterId,
        };
        foreach (var (key, value) in _extra)
        {
            common[key] = value;
        }
        return common;
    }
}

public sealed record SiloPorts(int Silo, int Gateway, int Dashboard);
