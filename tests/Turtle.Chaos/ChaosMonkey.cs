namespace Turtle.Chaos;

/// <summary>
/// The faults, while the client streams: a kill -9 of a random silo every 45-90 s and its restart; once each, two silos
/// killed at once, the whole cluster stopped and started, and Azurite stopped for 20 s on the same data; and from the
/// Graph fake, bursts of 429 and of 500 and 14-second stalls. One fault of the cluster at a time.
/// </summary>
public sealed class ChaosMonkey(ChaosCluster cluster, ChaosLog log, Random random, TimeSpan duration)
{
    public int SiloKills { get; private set; }
    public int GraphBursts { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        await Task.WhenAll(ClusterFaultsAsync(stop), GraphFaultsAsync(stop));
    }

    private async Task ClusterFaultsAsync(CancellationToken stop)
    {
        var start = DateTimeOffset.UtcNow;
        var once = new (double At, Func<Task> Fault)[]
        {
            (0.25, KillTwoAsync),
            (0.45, AzuriteOutageAsync),
            (0.65, ClusterRestartAsync),
        };
        var done = new bool[once.Length];
        var nextKill = start + Seconds(45, 90);
        while (!stop.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            var due = Enumerable.Range(0, once.Length).FirstOrDefault(i => !done[i] && now >= start + (duration * once[i].At), -1);
            if (due >= 0)
            {
                done[due] = true;
                await once[due].Fault();
                // A little healthy time between two faults, so each one's recovery is seen on its own.
                await Delay(TimeSpan.FromSeconds(15), stop);
            }
            else if (now >= nextKill && now < start + duration - TimeSpan.FromSeconds(20))
            {
                await KillOneAsync();
                nextKill = DateTimeOffset.UtcNow + Seconds(45, 90);
            }
            await Delay(TimeSpan.FromSeconds(1), stop);
        }
    }

    private async Task KillOneAsync()
    {
        var silo = random.Next(ChaosSettings.Silos);
        cluster.KillSilo(silo);
        SiloKills++;
        await Task.Delay(Seconds(3, 10));
        await RestartAsync(silo);
    }

    private async Task KillTwoAsync()
    {
        var spared = random.Next(ChaosSettings.Silos);
        var killed = Enumerable.Range(0, ChaosSettings.Silos).Where(s => s != spared).ToList();
        log.Note("two silos at once:");
        killed.ForEach(cluster.KillSilo);
        SiloKills += killed.Count;
        await Task.Delay(TimeSpan.FromSeconds(10));
        await Task.WhenAll(killed.Select(RestartAsync));
    }

    private async Task ClusterRestartAsync()
    {
        log.Note("the whole cluster:");
        for (var silo = 0; silo < ChaosSettings.Silos; silo++)
        {
            cluster.KillSilo(silo);
            SiloKills++;
        }
        await Task.Delay(TimeSpan.FromSeconds(20));
        await Task.WhenAll(Enumerable.Range(0, ChaosSettings.Silos).Select(RestartAsync));
    }

    private async Task AzuriteOutageAsync()
    {
        cluster.StopAzurite();
        await Task.Delay(TimeSpan.FromSeconds(20));
        await cluster.StartAzuriteAsync();
    }

    private async Task RestartAsync(int silo)
    {
        try
        {
            await cluster.StartSiloAsync(silo);
            log.Note($"silo{silo} restarted");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            log.Note($"silo{silo} did not come back ({e.Message.Split('\n')[0]}); trying once more");
            await cluster.StartSiloAsync(silo);
        }
    }

    private async Task GraphFaultsAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Delay(Seconds(20, 40), stop);
            if (stop.IsCancellationRequested)
            {
                break;
            }
            var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15);
            switch (random.Next(3))
            {
                case 0:
                    cluster.WhatsApp.FailEveryoneUntil(until, Turtle.Testing.WhatsApp.WhatsAppFault.RateLimited);
                    log.Note("Graph: 429 for every request for 15 s");
                    break;
                case 1:
                    cluster.WhatsApp.FailEveryoneUntil(until, Turtle.Testing.WhatsApp.WhatsAppFault.ServerError);
                    log.Note("Graph: 500 for every request for 15 s");
                    break;
                default:
                    cluster.WhatsApp.StallEveryoneUntil(until, TimeSpan.FromSeconds(14));
                    log.Note("Graph: every answer stalled 14 s, for 15 s");
                    break;
            }
            GraphBursts++;
        }
    }

    private TimeSpan Seconds(double from, double to) => TimeSpan.FromSeconds(from + ((to - from) * random.NextDouble()));

    private static async Task Delay(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends.
        }
    }
}
