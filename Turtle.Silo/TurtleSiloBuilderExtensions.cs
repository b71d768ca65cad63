using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Turtle.Grains;
using Turtle.Grains.Calendly;
using Turtle.Grains.Delivery;
using Turtle.Grains.Hosting;
using Turtle.Grains.Records;

namespace Turtle.Silo;

/// <summary>
/// What makes an Orleans silo a Turtle silo, whoever hosts it: Turtle.Silo's web host and the test clusters both build
/// their silos with <see cref="AddTurtle"/>, so tests run the configuration production runs.
/// </summary>
public static class TurtleSiloBuilderExtensions
{
    /// <summary>Grain locations a silo keeps: the grains called often (index shards, records, the directory) stay found.</summary>
    public const int DirectoryCacheSize = 20_000;

    /// <summary>
    /// Turtle's grains and their services; Azure Table storage (<c>ConnectionStrings:AzureStorage</c>) for clustering,
    /// grain state and reminders; the reminder period and failure detection the schedule relies on.
    /// </summary>
    public static ISiloBuilder AddTurtle(this ISiloBuilder silo, IConfiguration configuration)
    {
        var tables = TableService(configuration);
        silo.Services.AddTurtleGrains(configuration);
        // The firm's record shares the account; its rows are written by the record's grains, not by a grain storage.
        silo.Services.AddSingleton(new RecordTable(tables));
        silo.UseClusterTls(configuration);
        silo.Services.AddOptions<SiloOptions>()
            .Bind(configuration.GetSection(SiloOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterIdentityValidator>();
        // Orleans binds Orleans:ClusterId and Orleans:ServiceId itself; only its defaults ("default") differ from Turtle's.
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = configuration["Orleans:ClusterId"] ?? TurtleCluster.DefaultClusterId;
            o.ServiceId = configuration["Orleans:ServiceId"] ?? TurtleCluster.DefaultServiceId;
        });
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<SiloOptions>>((collection, options) =>
        {
            if (options.Value.GrainCollectionAge is { } age)
            {
                collection.CollectionAge = age;
            }
            // A burst of bookings (a day's ingest, a reconciliation) activates them faster than idle ones age out: under
            // memory pressure (80 % of the process's limit: a pod's memory limit, or the machine's) Orleans takes the
            // longest-idle bookings out of memory early rather than let the silo be killed. They are all in storage.
            collection.EnableActivationSheddingOnMemoryPressure = true;
        });
        // Orleans remembers where every grain it has seen lives, a million by default: a booking is called a handful of
        // times in its life, so those entries would only hold memory (about 600 bytes a booking, kept after it left).
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = DirectoryCacheSize);

        silo.UseAzureStorageClustering(o => o.TableServiceClient = tables);
        silo.UseAzureTableReminderService(o => o.Configure(r => r.TableServiceClient = tables));
        foreach (var name in TurtleStorage.Names)
        {
            silo.AddAzureTableGrainStorage(name, storage => storage.Configure<Serializer>((o, serializer) =>
            {
                o.TableServiceClient = tables;
                o.TableName = TurtleStorage.TableName(name);
                // Orleans' own serializer: compact, and tolerant of members added with new [Id]s (state written today loads tomorrow).
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        }

        // Bookings re-arm their reminder on every tick, so its period only matters after a missed tick: a period under
        // Orleans' one-minute floor brings messages due during an outage back sooner at no cost otherwise.
        // The same holds for the reconciliation interval, which an operator may set below a minute.
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<NotificationOptions>, IOptions<ReconcileOptions>>((reminders, notifications, reconcile) =>
        {
            foreach (var period in new[] { notifications.Value.ReminderPeriod, reconcile.Value.ReconcileInterval })
            {
                if (period > TimeSpan.Zero && period < reminders.MinimumReminderPeriod)
                {
                    reminders.MinimumReminderPeriod = period;
                }
            }
        });
        // Every silo arms (or, without Calendly:ApiToken, removes) the reconciliation reminder as it starts, and the retention sweep's.
        silo.AddStartupTask((services, _) => ReminderArming.EnsureInBackground(services, "Calendly reconciliation", g => g.GetGrain<IReconciliationGrain>(0).ScheduleAsync()));
        silo.AddStartupTask((services, _) => ReminderArming.EnsureInBackground(services, "retention sweep", g => g.GetGrain<IRetentionGrain>(IRetentionGrain.Cluster).ScheduleAsync()));
        // A dead silo is declared within ~10 s (3 missed 2 s probes), so its reminders move to a survivor quickly.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
        });
        return silo;
    }

    private static TableServiceClient TableService(IConfiguration configuration)
    {
        try
        {
            return TurtleStorage.TableService(TurtleCluster.StorageConnectionString(configuration));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new OptionsValidationException($"ConnectionStrings:{TurtleCluster.StorageConnectionName}", typeof(TableServiceClient),
                [$"ConnectionStrings:{TurtleCluster.StorageConnectionName} is not a storage connection string: {e.Message}"]);
        }
    }

    /// <summary>Orleans refuses an empty cluster id too, but without naming the key to fix.</summary>
    private sealed class ClusterIdentityValidator : IValidateOptions<ClusterOptions>
    {
        public ValidateOptionsResult Validate(string? name, ClusterOptions options)
        {
            var failures = new List<string>();
            if (string.IsNullOrWhiteSpace(options.ClusterId))
            {
                failures.Add("Orleans:ClusterId is required.");
            }
            if (string.IsNullOrWhiteSpace(options.ServiceId))
            {
                failures.Add("Orleans:ServiceId is required.");
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
