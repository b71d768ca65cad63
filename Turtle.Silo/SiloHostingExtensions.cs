using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Turtle.Silo;

public static class SiloHostingExtensions
{
    /// <summary>The silo process: a Turtle silo (<see cref="TurtleSiloBuilderExtensions.AddTurtle"/>) listening on the configured ports, with its dashboard and health endpoint on one web port.</summary>
    public static WebApplicationBuilder AddTurtleSilo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<SiloOptions>>((kestrel, options) =>
        {
            var silo = options.Value;
            if (silo.ListenOnAnyHostAddress)
            {
                kestrel.ListenAnyIP(silo.DashboardPort);
            }
            else
            {
                // The dashboard and /metrics have no sign-in: on this machine only, unless the deployment opens them on
                // purpose (containers, behind a NetworkPolicy that admits Prometheus alone).
                kestrel.Listen(System.Net.IPAddress.Loopback, silo.DashboardPort);
            }
        });
        builder.Services.AddOptions<EndpointOptions>().Configure<IOptions<SiloOptions>>((endpoints, options) =>
        {
            var own = options.Value;
            endpoints.AdvertisedIPAddress = own.AdvertisedAddress;
            endpoints.SiloPort = own.SiloPort;
            endpoints.GatewayPort = own.GatewayPort;
            if (own.ListenOnAnyHostAddress)
            {
                endpoints.SiloListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, own.SiloPort);
                endpoints.GatewayListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, own.GatewayPort);
            }
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddHostedService<IdleMemoryTrimmer>();
        builder.Services.AddSiloHealth(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.AddTurtle(builder.Configuration);
            silo.AddDashboard();
        });
        return builder;
    }
}
