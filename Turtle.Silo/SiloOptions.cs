using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Turtle.Silo;

/// <summary>
/// The keys of the <c>Orleans</c> section Orleans itself does not read: this silo's ports and addresses and how long idle
/// grains stay in memory. (<c>Orleans:ClusterId</c> and <c>Orleans:ServiceId</c> are bound by Orleans.)
/// </summary>
public sealed class SiloOptions : IValidatableObject
{
    public const string Section = "Orleans";

    [Range(1, 65535, ErrorMessage = "Orleans:SiloPort must be a port number (1-65535).")] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535, ErrorMessage = "Orleans:GatewayPort must be a port number (1-65535).")] public int GatewayPort { get; set; } = 30000;
    [Range(1, 65535, ErrorMessage = "Orleans:DashboardPort must be a port number (1-65535).")] public int DashboardPort { get; set; } = 8080;

    /// <summary>Address other silos and clients reach this silo on; empty = this host's own address (containers).</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>How long an idle grain stays in memory; Orleans' default when unset.</summary>
    public TimeSpan? GrainCollectionAge { get; set; }

    /// <summary>
    /// Bind silo, gateway and dashboard on every interface (containers). Unset, silo and gateway listen on the advertised
    /// address and the dashboard (with <c>/metrics</c> and the health routes) on loopback only.
    /// </summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>The address to advertise: the configured one, or the host's first non-loopback IPv4 address when empty.</summary>
    public IPAddress AdvertisedAddress => string.IsNullOrWhiteSpace(AdvertisedIPAddress)
        ? Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback
        : IPAddress.Parse(AdvertisedIPAddress);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(AdvertisedIPAddress) && !IPAddress.TryParse(AdvertisedIPAddress, out _))
        {
            yield return new ValidationResult($"Orleans:AdvertisedIPAddress '{AdvertisedIPAddress}' is not an IP address.", [nameof(AdvertisedIPAddress)]);
        }
        if (GrainCollectionAge is { } age && age <= TimeSpan.FromMinutes(1))
        {
            // Orleans collects once a minute and refuses an age that is not longer than that.
            yield return new ValidationResult("Orleans:GrainCollectionAge must be longer than 00:01:00.", [nameof(GrainCollectionAge)]);
        }
    }
}
