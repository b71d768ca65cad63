using YamlDotNet.RepresentationModel;
using static Turtle.EndToEnd.Tests.Kubernetes.KubernetesManifests;

namespace Turtle.EndToEnd.Tests.Kubernetes;

/// <summary>
/// SPEC §14's perimeter in deploy/kubernetes/network-policy.yaml, read as data: everything closed, silo and gateway
/// ports open to the silos and the API only, metrics to Prometheus only, the API to the ingress controller.
/// </summary>
public class KubernetesNetworkPolicyTests
{
    private const string Silo = "turtle-silo";
    private const string Api = "turtle-api";

    /// <summary>One <c>ingress</c> rule: who may connect (each peer as its selectors) and to which named ports.</summary>
    private sealed record Rule(IReadOnlyList<Peer> From, IReadOnlyList<string> Ports);

    /// <summary>A peer: the pod labels it selects, and the namespace it is in (null: the policy's own).</summary>
    private sealed record Peer(string? PodName, string? Namespace);

    private static readonly Peer Prometheus = new("prometheus", "monitoring");
    private static readonly Peer IngressController = new("ingress-nginx", "ingress-nginx");

    [Fact]
    public void EveryPodIsClosedUnlessAPolicyAdmitsIt()
    {
        var deny = Policies().Single(p => p.Node.Map("spec", "podSelector").Children.Count == 0);

        Assert.Equal(["Ingress"], deny.Node.Map("spec").Seq("policyTypes").Select(t => t.ToString()));
        Assert.Empty(deny.Node.Map("spec").Seq("ingress"));
    }

    [Fact]
    public void SiloAndGatewayPortsAdmitOnlyTheSilosAndTheApi()
    {
        var rules = RulesFor(Silo);
        var orleans = rules.Where(r => r.Ports.Contains("silo") || r.Ports.Contains("gateway")).ToList();

        Assert.NotEmpty(orleans);
        Assert.All(orleans, r => Assert.Equal([new Peer(Api, null), new Peer(Silo, null)], r.From.OrderBy(p => p.PodName, StringComparer.Ordinal).ToList()));
        Assert.Contains(orleans, r => r.Ports.Contains("silo"));
        Assert.Contains(orleans, r => r.Ports.Contains("gateway"));
    }

    [Fact]
    public void TheSilosMetricsPortAdmitsOnlyPrometheus()
    {
        var metrics = RulesFor(Silo).Where(r => r.Ports.Contains("http")).ToList();

        Assert.NotEmpty(metrics);
        Assert.All(metrics, r => Assert.Equal([Prometheus], r.From));
        Assert.All(metrics, r => Assert.Equal(["http"], r.Ports));
    }

    [Fact]
    public void TheApiAdmitsTheIngressControllerAndPrometheusOnItsHttpPortOnly()
    {
        var rules = RulesFor(Api);

        Assert.All(rules, r => Assert.Equal(["http"], r.Ports));
        Assert.Equal([IngressController, Prometheus], rules.SelectMany(r => r.From).Distinct().OrderBy(p => p.PodName, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void PoliciesNamePortsTheSelectedPodsHave()
    {
        foreach (var deployment in new[] { Silo, Api })
        {
            var ports = Container(deployment).Seq("ports").Cast<YamlMappingNode>().Select(p => p.Scalar("name")).ToHashSet();
            Assert.All(RulesFor(deployment).SelectMany(r => r.Ports), port => Assert.Contains(port, ports));
        }
    }

    private static IEnumerable<KubernetesObject> Policies() => Objects.Where(o => o.Kind == "NetworkPolicy");

    /// <summary>The rules of every policy that selects <paramref name="deployment"/>'s pods by their labels.</summary>
    private static List<Rule> RulesFor(string deployment)
    {
        var labels = Get("Deployment", deployment).Node.Map("spec", "template", "metadata", "labels").Children
            .ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
        var selecting = Policies().Where(p =>
        {
            var selector = p.Node.Map("spec", "podSelector");
            return selector.Children.Count > 0 && selector.Map("matchLabels").Children.All(kv => labels.GetValueOrDefault(kv.Key.ToString()) == kv.Value.ToString());
        }).ToList();
        Assert.NotEmpty(selecting);
        return [.. selecting.SelectMany(p => p.Node.Map("spec").Seq("ingress").Cast<YamlMappingNode>()).Select(rule => new Rule(
            [.. rule.Seq("from").Cast<YamlMappingNode>().Select(peer => new Peer(
                peer.Scalar("podSelector", "matchLabels", "app.kubernetes.io/name"),
                peer.Scalar("namespaceSelector", "matchLabels", "kubernetes.io/metadata.name")))],
            [.. rule.Seq("ports").Cast<YamlMappingNode>().Select(port => port.Scalar("port")!)]))];
    }
}
