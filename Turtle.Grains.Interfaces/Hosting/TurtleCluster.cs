using Microsoft.Extensions.Configuration;

namespace Turtle.Grains.Hosting;

/// <summary>What the silos and the API must agree on to find each other and their storage (SPEC §3).</summary>
public static class TurtleCluster
{
    /// <summary><c>Orleans:ClusterId</c> and <c>Orleans:ServiceId</c> when configuration leaves them out.</summary>
    public const string DefaultClusterId = "turtle";
    public const string DefaultServiceId = "turtle";

    /// <summary>The connection string's name: <c>ConnectionStrings:AzureStorage</c>.</summary>
    public const string StorageConnectionName = "AzureStorage";

    /// <summary>Azurite's well-known development account, used when no connection string is configured.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>The storage account both sides use: <c>ConnectionStrings:AzureStorage</c>, else Azurite's development account.</summary>
    public static string StorageConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(StorageConnectionName) is { Length: > 0 } value ? value : DevelopmentStorage;
}
