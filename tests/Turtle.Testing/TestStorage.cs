using Azure.Data.Tables;

namespace Turtle.Testing;

/// <summary>
/// The Azurite instance the tests run against. <c>./test.sh</c> starts one and exports
/// <c>TURTLE_TEST_STORAGE</c>; without it, Azurite's default development endpoints are used.
/// </summary>
public static class TestStorage
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("TURTLE_TEST_STORAGE") is { Length: > 0 } value ? value : DevelopmentStorage;

    public static TableServiceClient CreateTableClient() => new(ConnectionString);

    /// <summary>A cluster/service id no other test uses, so tests sharing one Azurite never see each other's rows.</summary>
    public static string UniqueId(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 12, prefix.Length + 32)];
}
