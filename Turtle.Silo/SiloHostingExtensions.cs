using System.ComponentModel.DataAnnotations;
using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Turtle.Grains;
using Turtle.Grains.Appointments;

namespace Turtle.Silo;

public static class SiloHostingExtensions
{
    /// <summary>Azurite's well-known development account, used when no connection string is configured.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static WebApplicationBuilder AddTurtleSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cluster = BindValidated<TurtleClusterOptions>(configuration, TurtleClusterOptions.Section);
        var storage = configuration.GetConnectionString("AzureStorage") ?? DevelopmentStorage;
        var advertised = string.IsNullOrWhiteSpace(cluster.AdvertisedIPAddress) ? DetectHostAddress() : null;
        if (advertised is null && !IPAddress.TryParse(cluster.AdvertisedIPAddress, out advertised))
        {
            throw new OptionsValidationException(
                "Orleans:AdvertisedIPAddress", typeof(TurtleClusterOptions),
                [$"Orleans:AdvertisedIPAddress '{cluster.AdvertisedIPAddress}' is not an IP address."]);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (cluster.ListenOnAnyHostAddress)
            {
                kestrel.ListenAnyIP(cluster.DashboardPort);
            }
            else
            {
                kestrel.Listen(advertised, cluster.DashboardPort);
            }
        });

        builder.Services.AddTurtleGrains(configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddHostedService<IdleMemoryTrimmer>();

        builder.UseOrleans(silo =>
        {
            var tables = new TableServiceClient(storage);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, cluster.ListenOnAnyHostAddress);
            silo.UseAzureStorageClustering(o => o.TableServiceClient = tables);
            silo.UseAzureTableReminderService(o => o.Configure(r => r.TableServiceClient = tables));
            silo.Services.AddTurtleGrainStorage(tables);
            // Bookings re-arm their reminder on every tick, so its period only matters after a missed tick: a period
            // under Orleans' one-minute floor brings messages due during an outage back sooner at no cost otherwise.
            var period = configuration.GetValue<TimeSpan?>("Notifications:ReminderPeriod") ?? new NotificationOptions().ReminderPeriod;
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = period > TimeSpan.Zero && period < o.MinimumReminderPeriod ? period : o.MinimumReminderPeriod);
            // A dead silo is declared within ~10 s (3 missed 2 s probes), so its reminders move to a survivor quickly.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 3;
            });
            if (cluster.GrainCollectionAge is { } age)
            {
                if (age <= TimeSpan.FromMinutes(1))
                {
                    // Orleans collects once a minute and refuses an age that is not longer than that.
                    throw new OptionsValidationException("Orleans:GrainCollectionAge", typeof(TurtleClusterOptions),
                        ["Orleans:GrainCollectionAge must be longer than 00:01:00."]);
                }
                silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = age);
            }
            silo.AddDashboard();
        });
        return builder;
    }

    /// <summary>The host's first non-loopback IPv4 address: what a container's silo advertises to its peers.</summary>
    private static IPAddress DetectHostAddress() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Loopback;

    private static T BindValidated<T>(ConfigurationManager configuration, string section) where T : new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var failures = results.Select(r => r.ErrorMessage ?? $"{section}:{string.Join(",", r.MemberNames)} is invalid.").ToList();
            throw new OptionsValidationException(section, typeof(T), failures);
        }
        return options;
    }
}
