using System.ComponentModel.DataAnnotations;

namespace Turtle.Silo;

/// <summary>The <c>Orleans</c> configuration section: cluster identity and ports.</summary>
public sealed class TurtleClusterOptions
{
    public const string Section = "Orleans";

    [Required(ErrorMessage = "Orleans:ClusterId is required.")] public string ClusterId { get; set; } = "turtle";
    [Required(ErrorMessage = "Orleans:ServiceId is required.")] public string ServiceId { get; set; } = "turtle";
    [Range(1, 65535, ErrorMessage = "Orleans:SiloPort must be a port number (1-65535).")] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535, ErrorMessage = "Orleans:GatewayPort must be a port number (1-65535).")] public int GatewayPort { get; set; } = 30000;
    [Range(1, 65535, ErrorMessage = "Orleans:DashboardPort must be a port number (1-65535).")] public int DashboardPort { get; set; } = 8080;

    /// <summary>Address other silos and clients reach this silo on; empty = this host's own address (containers).</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>How long an idle grain stays in memory; Orleans' default when unset.</summary>
    public TimeSpan? GrainCollectionAge { get; set; }

    /// <summary>Bind silo, gateway and dashboard on every interface (containers) instead of the advertised address.</summary>
    public bool ListenOnAnyHostAddress { get; set; }
}
