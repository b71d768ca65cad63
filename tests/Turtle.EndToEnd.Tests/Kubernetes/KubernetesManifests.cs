using System.Text.RegularExpressions;
using Turtle.Testing.Processes;
using YamlDotNet.RepresentationModel;

namespace Turtle.EndToEnd.Tests.Kubernetes;

/// <summary>One object of a manifest file: its file, kind and name, and the YAML itself.</summary>
internal sealed record KubernetesObject(string File, string Kind, string Name, YamlMappingNode Node)
{
    public string? Namespace => Node.Scalar("metadata", "namespace");
}

/// <summary>The files of <c>deploy/kubernetes/</c>, read as the data they are (no cluster runs here).</summary>
internal static partial class KubernetesManifests
{
    public static string Folder { get; } = Path.Combine(TurtleProcess.RepositoryRoot, "deploy", "kubernetes");

    public static IReadOnlyList<string> Files { get; } = [.. Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Order()!];

    public static IReadOnlyList<KubernetesObject> Objects { get; } = Load();

    public static KubernetesObject Get(string kind, string name) => Assert.Single(Objects, o => o.Kind == kind && o.Name == name);

    public static YamlMappingNode PodSpec(string deployment) => Get("Deployment", deployment).Node.Map("spec", "template", "spec");

    public static YamlMappingNode Container(string deployment) => (YamlMappingNode)Assert.Single(PodSpec(deployment).Seq("containers"));

    /// <summary>The container's <c>env</c> entries by name.</summary>
    public static Dictionary<string, YamlMappingNode> Env(string deployment) =>
        Container(deployment).Seq("env").Cast<YamlMappingNode>().ToDictionary(e => e.Scalar("name")!);

    /// <summary>The ConfigMap's data, as the container sees it through <c>envFrom</c>.</summary>
    public static Dictionary<string, string> ConfigMap(string name) =>
        Get("ConfigMap", name).Node.Map("data").Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());

    /// <summary>Every key the README's configuration section names, e.g. <c>Orleans:ClusterId</c>, <c>WhatsApp:Templates:&lt;Kind&gt;:Name</c>.</summary>
    public static IReadOnlySet<string> ReadmeConfigurationKeys()
    {
        var readme = File.ReadAllText(Path.Combine(TurtleProcess.RepositoryRoot, "README.md"));
        return ConfigKey().Matches(readme).Select(m => m.Groups[1].Value).ToHashSet();
    }

    public static YamlMappingNode Map(this YamlMappingNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = (YamlMappingNode)node.Children[new YamlScalarNode(key)];
        }
        return node;
    }

    public static IEnumerable<YamlNode> Seq(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlSequenceNode)value).Children : [];

    public static string? Scalar(this YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }
            current = next;
        }
        return (current as YamlScalarNode)?.Value;
    }

    private static List<KubernetesObject> Load()
    {
        var objects = new List<KubernetesObject>();
        foreach (var file in Files)
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(Path.Combine(Folder, file)))
            {
                stream.Load(reader);
            }
            foreach (var document in stream.Documents)
            {
                var root = (YamlMappingNode)document.RootNode;
                var kind = root.Scalar("kind") ?? throw new InvalidDataException($"{file}: a document without kind");
                var name = root.Scalar("metadata", "name") ?? "";
                objects.Add(new KubernetesObject(file, kind, name, root));
            }
        }
        return objects;
    }

    [GeneratedRegex(@"`([A-Z][A-Za-z]+(?::[A-Za-z<>]+)+)`")]
    private static partial Regex ConfigKey();
}
