using System.Globalization;
using System.Text.RegularExpressions;
using Orleans.Hosting.Kubernetes;
using Turtle.Testing.Processes;
using YamlDotNet.RepresentationModel;
using static Turtle.EndToEnd.Tests.Kubernetes.KubernetesManifests;

namespace Turtle.EndToEnd.Tests.Kubernetes;

/// <summary>
/// deploy/kubernetes/ checked as data (no cluster here): every object, the Orleans hosting contract, probes, where each
/// configuration key and secret comes from, and the images. The silo's SIGTERM behaviour is run for real in
/// <see cref="SiloShutdownEndToEndTests"/>.
/// </summary>
public class KubernetesManifestTests
{
    private const string Silo = "turtle-silo";
    private const string Api = "turtle-api";
    private const string Config = "turtle-config";
    private const string Secrets = "turtle-secrets";

    /// <summary>SPEC §12's secrets, and the verify token Meta echoes: never in the ConfigMap.</summary>
    private static readonly string[] SecretKeys =
        ["Calendly__SigningKey", "WhatsApp__AccessToken", "WhatsApp__AppSecret", "Admin__ApiKey", "ConnectionStrings__AzureStorage", "WhatsApp__VerifyToken"];

    [Fact]
    public void EveryManifestIsAnObjectWithKindNameAndTurtlesNamespace()
    {
        Assert.NotEmpty(Objects);
        foreach (var o in Objects.Where(o => o.Kind != "Kustomization"))
        {
            Assert.False(string.IsNullOrEmpty(o.Node.Scalar("apiVersion")), $"{o.File}: {o.Kind} without apiVersion");
            Assert.False(string.IsNullOrEmpty(o.Name), $"{o.File}: {o.Kind} without a name");
            if (o.Kind != "Namespace")
            {
                Assert.True(o.Namespace == "turtle", $"{o.File}: {o.Kind}/{o.Name} is not in namespace turtle");
            }
        }
        Assert.Equal(
            ["ConfigMap", "Deployment", "Deployment", "Kustomization", "Namespace", "NetworkPolicy", "NetworkPolicy", "NetworkPolicy",
                "PodDisruptionBudget", "PodDisruptionBudget", "PrometheusRule", "Role", "RoleBinding", "Secret", "Secret", "Service", "ServiceAccount"],
            Objects.Select(o => o.Kind).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KustomizationAppliesEveryFileButTheSecretTemplate()
    {
        var kustomization = Get("Kustomization", "").Node;
        var resources = kustomization.Seq("resources").Select(r => r.ToString()).Order(StringComparer.Ordinal);

        // The alert rules need the Prometheus Operator's kind: applied on their own where it runs (MonitoringManifestTests).
        Assert.Equal(Files.Where(f => f is not "kustomization.yaml" and not "secret.template.yaml" and not "prometheus-rules.yaml").Order(StringComparer.Ordinal), resources);
        Assert.Equal("turtle", kustomization.Scalar("namespace"));
        Assert.All(Objects.Where(o => o.Kind == "Secret"), s => Assert.Equal("secret.template.yaml", s.File));
    }

    [Fact]
    public void SiloPodsCarryTheOrleansLabelsOfTheConfiguredCluster()
    {
        var labels = Get("Deployment", Silo).Node.Map("spec", "template", "metadata", "labels");
        var config = ConfigMap(Config);
        var env = Env(Silo);

        Assert.Equal(config["Orleans__ServiceId"], labels.Scalar(KubernetesHostingOptions.ServiceIdLabel));
        Assert.Equal(config["Orleans__ClusterId"], labels.Scalar(KubernetesHostingOptions.ClusterIdLabel));
        Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ServiceIdLabel}']", FieldRef(env[KubernetesHostingOptions.ServiceIdEnvironmentVariable]));
        Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ClusterIdLabel}']", FieldRef(env[KubernetesHostingOptions.ClusterIdEnvironmentVariable]));
        // The API pods are no silos: Orleans' hosting would otherwise count them as pods of the cluster without a silo.
        var apiLabels = Get("Deployment", Api).Node.Map("spec", "template", "metadata", "labels");
        Assert.Null(apiLabels.Scalar(KubernetesHostingOptions.ServiceIdLabel));
        Assert.Equal(labels.Scalar("app.kubernetes.io/name"), Get("Deployment", Silo).Node.Scalar("spec", "selector", "matchLabels", "app.kubernetes.io/name"));
    }

    [Fact]
    public void SiloGetsItsPodNameNamespaceAndIpFromTheDownwardApi()
    {
        var env = Env(Silo);

        Assert.Equal("metadata.name", FieldRef(env[KubernetesHostingOptions.PodNameEnvironmentVariable]));
        Assert.Equal("metadata.namespace", FieldRef(env[KubernetesHostingOptions.PodNamespaceEnvironmentVariable]));
        Assert.Equal("status.podIP", FieldRef(env[KubernetesHostingOptions.PodIPEnvironmentVariable]));
        // Turtle's own setting advertises the same address (never a Service's), and the silo listens on every interface.
        Assert.Equal("status.podIP", FieldRef(env["Orleans__AdvertisedIPAddress"]));
        Assert.Equal("true", ConfigMap(Config)["Orleans__ListenOnAnyHostAddress"]);
    }

    [Fact]
    public void SiloRoleGrantsWhatOrleansKubernetesHostingDoesWithPods()
    {
        var account = PodSpec(Silo).Scalar("serviceAccountName");
        var role = Get("Role", Silo).Node;
        var binding = Get("RoleBinding", Silo).Node;

        var rule = (YamlMappingNode)Assert.Single(role.Seq("rules"));
        Assert.Equal([""], rule.Seq("apiGroups").Select(g => g.ToString()));
        Assert.Equal(["pods"], rule.Seq("resources").Select(r => r.ToString()));
        // get/patch: its own pod's labels; list/watch: the cluster's pods; delete: a dead silo's pod (DeleteDefunctSiloPods).
        Assert.Equal(["delete", "get", "list", "patch", "watch"], rule.Seq("verbs").Select(v => v.ToString()).Order(StringComparer.Ordinal));
        Get("ServiceAccount", account!);
        Assert.Equal("Role", binding.Scalar("roleRef", "kind"));
        Assert.Equal(Silo, binding.Scalar("roleRef", "name"));
        var subject = (YamlMappingNode)Assert.Single(binding.Seq("subjects"));
        Assert.Equal(("ServiceAccount", account, "turtle"), (subject.Scalar("kind"), subject.Scalar("name"), subject.Scalar("namespace")));
        Assert.Equal("true", PodSpec(Silo).Scalar("automountServiceAccountToken"));
        Assert.Equal("false", PodSpec(Api).Scalar("automountServiceAccountToken"));
    }

    [Theory]
    [InlineData(Silo)]
    [InlineData(Api)]
    public void ProbesUseTheHealthRoutesOnTheHttpPort(string deployment)
    {
        var container = Container(deployment);
        var http = container.Seq("ports").Cast<YamlMappingNode>().Single(p => p.Scalar("name") == "http");
        var expectedPort = deployment == Silo ? ConfigMap(Config)["Orleans__DashboardPort"] : ApiPort();

        Assert.Equal(expectedPort, http.Scalar("containerPort"));
        Assert.Equal("/health/live", container.Scalar("livenessProbe", "httpGet", "path"));
        Assert.Equal("/health/ready", container.Scalar("readinessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", container.Scalar("startupProbe", "httpGet", "path"));
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            Assert.Equal("http", container.Scalar(probe, "httpGet", "port"));
        }
        // Prometheus scrapes /metrics on the same port.
        var annotations = Get("Deployment", deployment).Node.Map("spec", "template", "metadata", "annotations");
        Assert.Equal(expectedPort, annotations.Scalar("prometheus.io/port"));
        Assert.Equal("/metrics", annotations.Scalar("prometheus.io/path"));
    }

    [Fact]
    public void SiloContainerPortsAreTheConfiguredOrleansPorts()
    {
        var config = ConfigMap(Config);
        var ports = Container(Silo).Seq("ports").Cast<YamlMappingNode>().ToDictionary(p => p.Scalar("name")!, p => p.Scalar("containerPort"));

        Assert.Equal(config["Orleans__SiloPort"], ports["silo"]);
        Assert.Equal(config["Orleans__GatewayPort"], ports["gateway"]);
        Assert.Equal(config["Orleans__DashboardPort"], ports["http"]);
    }

    [Fact]
    public void SecretsComeFromTheSecretAndTheTemplateHoldsOnlyPlaceholders()
    {
        var template = Get("Secret", Secrets).Node.Map("stringData").Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());

        Assert.Equal(SecretKeys.Order(StringComparer.Ordinal), template.Keys.Order(StringComparer.Ordinal));
        Assert.All(template.Values, v => Assert.Matches("^<[^<>]+>$", v));
        Assert.All(Get("Secret", "turtle-google").Node.Map("stringData").Children.Values, v => Assert.Matches("^<[^<>]+>$", v.ToString()));
        Assert.DoesNotContain(ConfigMap(Config).Keys, SecretKeys.Contains);

        string[] silo = ["ConnectionStrings__AzureStorage", "WhatsApp__AccessToken"];
        string[] api = ["ConnectionStrings__AzureStorage", "Calendly__SigningKey", "WhatsApp__AppSecret", "WhatsApp__VerifyToken", "Admin__ApiKey"];
        foreach (var (deployment, needed) in new[] { (Silo, silo), (Api, api) })
        {
            var env = Env(deployment);
            foreach (var key in needed)
            {
                var reference = env[key].Map("valueFrom", "secretKeyRef");
                Assert.Equal((Secrets, key), (reference.Scalar("name"), reference.Scalar("key")));
                Assert.Null(reference.Scalar("optional"));
            }
            // Each part gets only the secrets it uses.
            Assert.DoesNotContain(env.Keys, k => SecretKeys.Contains(k) && !needed.Contains(k));
            // Any other secret reference is optional and named in the template's comments.
            var others = env.Where(kv => kv.Value.Scalar("valueFrom", "secretKeyRef", "key") is { } k && !needed.Contains(k)).ToList();
            Assert.All(others, kv => Assert.Equal("true", kv.Value.Scalar("valueFrom", "secretKeyRef", "optional")));
            Assert.All(others, kv => Assert.Contains(kv.Key, File.ReadAllText(Path.Combine(Folder, "secret.template.yaml")), StringComparison.Ordinal));
            Assert.Equal(Config, ((YamlMappingNode)Assert.Single(Container(deployment).Seq("envFrom"))).Scalar("configMapRef", "name"));
        }
    }

    [Fact]
    public void ConfigurationKeysAreOnesTurtleReads()
    {
        var known = ReadmeConfigurationKeys();
        // Variables of the platform rather than Turtle's configuration: Orleans' Kubernetes hosting, ASP.NET Core, OpenTelemetry.
        string[] platform =
        [
            KubernetesHostingOptions.PodNameEnvironmentVariable, KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
            KubernetesHostingOptions.PodIPEnvironmentVariable, KubernetesHostingOptions.ServiceIdEnvironmentVariable,
            KubernetesHostingOptions.ClusterIdEnvironmentVariable, "ASPNETCORE_URLS", "ASPNETCORE_FORWARDEDHEADERS_ENABLED",
        ];

        var keys = ConfigMap(Config).Keys.Concat(Env(Silo).Keys).Concat(Env(Api).Keys).Distinct();
        Assert.All(keys, key =>
        {
            if (!platform.Contains(key) && !key.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                Assert.True(known.Contains(key.Replace("__", ":", StringComparison.Ordinal)), $"{key} is not a configuration key of the README");
            }
        });
        Assert.Contains("Orleans:ClusterId", known);
    }

    [Theory]
    [InlineData(Silo, "Turtle.Silo.dll")]
    [InlineData(Api, "Turtle.Api.dll")]
    public void ImagesAreTheDockerfilesTargets(string deployment, string entryPoint)
    {
        var image = Container(deployment).Scalar("image")!;
        var stages = DockerfileStages();
        var override_ = Get("Kustomization", "").Node.Seq("images").Cast<YamlMappingNode>().Single(i => i.Scalar("name") == image);

        // turtle-<target>: the image `docker build --target <target>` makes, and that target runs this part.
        var target = Regex.Match(image, "^turtle-([a-z]+)$").Groups[1].Value;
        Assert.True(stages.ContainsKey(target), $"{image} names no target of the Dockerfile ({string.Join(", ", stages.Keys)})");
        Assert.Contains(entryPoint, stages[target], StringComparison.Ordinal);
        Assert.EndsWith("/" + image, override_.Scalar("newName"), StringComparison.Ordinal);
    }

    [Fact]
    public void GracePeriodsCoverTheShutdowns()
    {
        // Both hosts stop within their 30 s shutdown timeout (HostOptions.ShutdownTimeout, SiloHostingExtensions for the silo);
        // the API first waits out its preStop while the Service stops routing to it.
        var hostShutdown = 30;
        var silo = int.Parse(PodSpec(Silo).Scalar("terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture);
        var api = int.Parse(PodSpec(Api).Scalar("terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture);
        var preStop = int.Parse(Container(Api).Map("lifecycle", "preStop", "exec").Seq("command").Last().ToString(), CultureInfo.InvariantCulture);

        Assert.True(silo >= hostShutdown + 15, $"silo grace {silo} s");
        Assert.True(api >= preStop + hostShutdown + 5, $"API grace {api} s");
        var strategy = Get("Deployment", Silo).Node.Map("spec", "strategy", "rollingUpdate");
        Assert.Equal("0", strategy.Scalar("maxUnavailable"));
    }

    [Fact]
    public void ApiServiceRoutesToTheApiPods()
    {
        var service = Get("Service", Api).Node;
        var port = (YamlMappingNode)Assert.Single(service.Map("spec").Seq("ports"));

        Assert.Equal(Api, service.Scalar("spec", "selector", "app.kubernetes.io/name"));
        Assert.Equal("http", port.Scalar("targetPort"));
    }

    private static string? FieldRef(YamlMappingNode env) => env.Scalar("valueFrom", "fieldRef", "fieldPath");

    private static string ApiPort() =>
        Regex.Match(Env(Api)["ASPNETCORE_URLS"].Scalar("value")!, @":(\d+)$").Groups[1].Value;

    /// <summary>The Dockerfile's stages by name, each with its lines.</summary>
    private static Dictionary<string, string> DockerfileStages()
    {
        var stages = new Dictionary<string, string>();
        string? current = null;
        foreach (var line in File.ReadAllLines(Path.Combine(TurtleProcess.RepositoryRoot, "Dockerfile")))
        {
            var from = Regex.Match(line, @"^FROM\s+\S+\s+AS\s+(\S+)", RegexOptions.IgnoreCase);
            if (from.Success)
            {
                current = from.Groups[1].Value;
                stages[current] = "";
            }
            else if (current is not null)
            {
                stages[current] += line + "\n";
            }
        }
        return stages;
    }
}
