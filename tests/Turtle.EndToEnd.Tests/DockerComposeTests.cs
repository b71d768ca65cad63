using Turtle.Testing.Processes;
using YamlDotNet.RepresentationModel;

namespace Turtle.EndToEnd.Tests;

/// <summary>No Docker engine runs here, so the compose file is checked as data: the parts, their wiring and keys.</summary>
public class DockerComposeTests
{
    private static readonly YamlMappingNode Services = LoadServices();

    [Fact]
    public void ComposeDefinesAzuriteSiloAndApi()
    {
        Assert.Equal(["api", "azurite", "silo"], Services.Children.Keys.Select(k => k.ToString()).Order());
    }

    [Fact]
    public void AzuriteRunsWithTheFlagsTurtleNeeds()
    {
        var command = Sequence(Service("azurite"), "command");

        Assert.Contains("--skipApiVersionCheck", command);
        Assert.Contains("--loose", command);
    }

    [Fact]
    public void AzuriteVersionIsPinnedOnceForComposeAndTheScripts()
    {
        var root = TurtleProcess.RepositoryRoot;
        var pinned = File.ReadAllLines(Path.Combine(root, ".env")).Single(l => l.StartsWith("AZURITE_VERSION=", StringComparison.Ordinal))["AZURITE_VERSION=".Length..];
        var image = Service("azurite").Children[new YamlScalarNode("image")].ToString();

        // 3.36 and later answer Orleans' grain-state layout by a table scan (see .env).
        Assert.Equal("3.35.0", pinned);
        Assert.Equal("mcr.microsoft.com/azure-storage/azurite:${AZURITE_VERSION:?pinned in .env}", image);
        Assert.Contains("$TURTLE_ROOT/.env", File.ReadAllText(Path.Combine(root, "scripts", "lib.sh")), StringComparison.Ordinal);
        foreach (var script in new[] { "run.sh", "test.sh", "bench.sh" })
        {
            var text = File.ReadAllText(Path.Combine(root, script));
            Assert.Contains("source scripts/lib.sh", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"azurite@\d", text);
        }
    }

    [Fact]
    public void SiloAndApiShareStorageAndClusterIdentity()
    {
        var silo = Environment("silo");
        var api = Environment("api");

        foreach (var key in new[] { "ConnectionStrings__AzureStorage", "Orleans__ClusterId", "Orleans__ServiceId" })
        {
            Assert.True(silo.ContainsKey(key), $"silo lacks {key}");
            Assert.Equal(silo[key], api[key]);
        }
        Assert.Contains("TableEndpoint=http://azurite:10002/", silo["ConnectionStrings__AzureStorage"], StringComparison.Ordinal);
    }

    [Fact]
    public void SilosCanScaleOut()
    {
        var silo = Environment("silo");

        // Several replicas: each advertises its own address, none pins a host port that a second one would clash on.
        Assert.Equal("", silo["Orleans__AdvertisedIPAddress"]);
        Assert.Equal("true", silo["Orleans__ListenOnAnyHostAddress"]);
        Assert.DoesNotContain(Sequence(Service("silo"), "ports"), p => p.StartsWith("11111", StringComparison.Ordinal) || p.StartsWith("30000", StringComparison.Ordinal));
    }

    [Fact]
    public void ImagesAreBuiltFromTargetsTheDockerfileHas()
    {
        var dockerfile = File.ReadAllText(Path.Combine(TurtleProcess.RepositoryRoot, "Dockerfile"));

        foreach (var service in new[] { "silo", "api" })
        {
            var build = (YamlMappingNode)Service(service).Children[new YamlScalarNode("build")];
            var target = build.Children[new YamlScalarNode("target")].ToString();
            Assert.Contains($" AS {target}", dockerfile, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ConfigurationKeysAreOnesTurtleReads()
    {
        string[] known =
        [
            "ConnectionStrings__AzureStorage", "Orleans__ClusterId", "Orleans__ServiceId", "Orleans__SiloPort", "Orleans__GatewayPort",
            "Orleans__DashboardPort", "Orleans__AdvertisedIPAddress", "Orleans__ListenOnAnyHostAddress", "Advisors__Source",
            "WhatsApp__PhoneNumberId", "WhatsApp__AccessToken", "WhatsApp__AppSecret", "WhatsApp__VerifyToken",
            "Calendly__SigningKey", "Calendly__ApiToken", "Admin__ApiKey", "ASPNETCORE_URLS", "OTEL_EXPORTER_OTLP_ENDPOINT",
        ];

        foreach (var service in new[] { "silo", "api" })
        {
            Assert.All(Environment(service).Keys, key => Assert.Contains(key, known));
        }
    }

    [Fact]
    public void SiloPublishesItsDashboardPortWhereMetricsAreServed()
    {
        var dashboard = Environment("silo")["Orleans__DashboardPort"];

        // /metrics is served by the silo's web host on Orleans:DashboardPort (TelemetryEndToEndTests), so that container
        // port must be published: one host port per replica from the range, on the host's loopback only (no sign-in there).
        var published = Sequence(Service("silo"), "ports").Select(p => p.Split(':')).ToList();
        Assert.Contains(published, p => p.Length == 3 && p[0] == "127.0.0.1" && p[2] == dashboard && p[1].Contains('-', StringComparison.Ordinal));
        Assert.Contains(Sequence(Service("api"), "ports"), p => p.EndsWith(":" + new Uri(Environment("api")["ASPNETCORE_URLS"]).Port, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("api")]
    public void OtlpExportIsOffUnlessAnEndpointIsGiven(string service)
    {
        // Empty unless the operator exports OTEL_EXPORTER_OTLP_ENDPOINT: an empty value turns OTLP export off.
        Assert.Equal("${OTEL_EXPORTER_OTLP_ENDPOINT:-}", Environment(service)["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    private static YamlMappingNode LoadServices()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(TurtleProcess.RepositoryRoot, "docker-compose.yml"));
        stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return (YamlMappingNode)root.Children[new YamlScalarNode("services")];
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services.Children[new YamlScalarNode(name)];

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(c => c.ToString())];

    private static Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service).Children[new YamlScalarNode("environment")]).Children
            .ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
}
