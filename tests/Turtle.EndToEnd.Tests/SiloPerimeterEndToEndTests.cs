using System.Net;
using System.Net.Sockets;
using Turtle.Testing;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// SPEC §14's perimeter on a real silo process: its dashboard, <c>/metrics</c> and health routes answer on loopback only,
/// even when the silo advertises (and listens for peers on) this machine's network address, unless
/// <c>Orleans:ListenOnAnyHostAddress</c> opens them.
/// </summary>
public sealed class SiloPerimeterEndToEndTests
{
    [Fact]
    public async Task TheDashboardAndMetricsListenOnLoopbackOnlyByDefault()
    {
        var network = NetworkAddress();
        var dashboard = TurtleProcess.FreePort();
        await using var silo = await StartSiloAsync(network, dashboard, listenOnAny: false);

        Assert.True(await AnswersAsync(IPAddress.Loopback, dashboard), "the dashboard did not answer on loopback");
        Assert.False(await AnswersAsync(network, dashboard), $"the dashboard answered on {network}");
    }

    [Fact]
    public async Task ListenOnAnyHostAddressOpensThemOnEveryInterface()
    {
        var network = NetworkAddress();
        var dashboard = TurtleProcess.FreePort();
        await using var silo = await StartSiloAsync(network, dashboard, listenOnAny: true);

        Assert.True(await AnswersAsync(network, dashboard), $"the dashboard did not answer on {network}");
    }

    private static async Task<TurtleProcess> StartSiloAsync(IPAddress advertised, int dashboard, bool listenOnAny)
    {
        var cluster = TestStorage.UniqueId("perimeter");
        var silo = TurtleProcess.Start("Turtle.Silo", new Dictionary<string, string?>
        {
            ["ConnectionStrings__AzureStorage"] = TestStorage.ConnectionString,
            ["Orleans__ClusterId"] = cluster,
            ["Orleans__ServiceId"] = cluster,
            ["Orleans__AdvertisedIPAddress"] = advertised.ToString(),
            ["Orleans__ListenOnAnyHostAddress"] = listenOnAny ? "true" : "false",
            ["Orleans__SiloPort"] = TurtleProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = TurtleProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__DashboardPort"] = dashboard.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await silo.WaitUntilHealthyAsync($"http://127.0.0.1:{dashboard}/health/live", TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>Whether <c>/metrics</c> answers at that address (a refused connection is no answer).</summary>
    private static async Task<bool> AnswersAsync(IPAddress address, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{address}:{port}/metrics"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>This machine's own IPv4 address on a network, as a silo in a container would advertise it.</summary>
    private static IPAddress NetworkAddress() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this machine has no IPv4 address besides loopback to test the perimeter with");
}
