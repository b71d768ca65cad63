using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Turtle.Silo;

namespace Turtle.Testing.Cluster;

/// <summary>Test silos are Turtle.Silo's own (<c>AddTurtle</c>), with timings shortened so schedules and failovers play out in seconds,
/// and Turtle's clock moved when the test names one (<see cref="TestClocks"/>).</summary>
public static class TestSilo
{
    /// <summary>A Turtle silo as Turtle.Silo builds it, configured from the test cluster's configuration.</summary>
    public static void Configure(ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddTurtle(silo.Configuration);
        if (TestClocks.For(silo.Configuration) is { } clock)
        {
            silo.Services.Replace(ServiceDescriptor.Singleton(clock));
        }
        PlayOutQuickly(silo);
    }

    public static void PlayOutQuickly(ISiloBuilder silo)
    {
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        });
    }
}
