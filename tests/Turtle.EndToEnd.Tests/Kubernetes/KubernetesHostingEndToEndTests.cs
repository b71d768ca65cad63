using System.Globalization;
using Turtle.Testing;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests.Kubernetes;

/// <summary>
/// Orleans' Kubernetes hosting is wired only in a pod (<c>KUBERNETES_SERVICE_HOST</c> set, as the kubelet does). No
/// Kubernetes API runs here, so what is checked is that a silo which believes it is in a pod goes to the in-cluster
/// configuration — and stops, saying why, when the pod has no service-account token (silo.yaml mounts one). Every
/// other end-to-end test is the other half: outside a pod the silo starts without it.
/// </summary>
public class KubernetesHostingEndToEndTests
{
    [Fact]
    public async Task InAPodWithoutAServiceAccountTokenTheSiloStopsAndSaysSo()
    {
        await using var silo = TurtleProcess.Start("Turtle.Silo", new Dictionary<string, string?>
        {
            ["ConnectionStrings__AzureStorage"] = TestStorage.ConnectionString,
            ["Orleans__ClusterId"] = TestStorage.UniqueId("k8s"),
            ["Orleans__SiloPort"] = TurtleProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = TurtleProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__DashboardPort"] = TurtleProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
            ["KUBERNETES_SERVICE_PORT"] = TurtleProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["POD_NAME"] = "turtle-silo-7d9f8c6b5-x2x4q",
            ["POD_NAMESPACE"] = "turtle",
        });

        var exited = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, $"the silo ran in a 'pod' without a service-account token:{Environment.NewLine}{silo.Output}");
        Assert.Contains("in-cluster configuration", silo.Output, StringComparison.Ordinal);
        Assert.Contains("automountServiceAccountToken", silo.Output, StringComparison.Ordinal);
    }
}
