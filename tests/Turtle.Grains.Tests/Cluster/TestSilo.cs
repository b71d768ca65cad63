using Orleans.Configuration;

namespace Turtle.Grains.Tests.Cluster;

/// <summary>The only ways test silos differ from Turtle.Silo's: timings shortened so schedules and failovers play out in seconds.</summary>
public static class TestSilo
{
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
