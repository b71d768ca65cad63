using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Core.Internal;
using Turtle.Grains;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Testing;

namespace Turtle.Benchmarks;

/// <summary>
/// An Orleans client of a deployment's cluster that finds it through storage directly, not through a counting proxy: it
/// takes bookings out of memory and reads them back, which the benchmark needs and the product never does.
/// </summary>
public sealed class ClusterControl : IAsyncDisposable
{
    private static readonly NotificationKind[] Journey =
        [NotificationKind.Confirmation, NotificationKind.AdvisorBooked, NotificationKind.AdvisorBio, NotificationKind.Reconfirm, NotificationKind.Reminder, NotificationKind.FollowUp];

    private readonly IHost _host;

    private ClusterControl(IHost host) => _host = host;

    private IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterControl> ConnectAsync(string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(TestStorage.ConnectionString));
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterControl(host);
    }

    /// <summary>
    /// Deactivates each booking and its client's number once idle, as hours without a message do in production: the
    /// booking's next wake-up reads its row again. Only for bookings in memory (a call to one that is not activates it).
    /// </summary>
    public Task TakeOutOfMemoryAsync(IEnumerable<(string Id, string Phone)> bookings) =>
        Parallel.ForEachAsync(bookings, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (booking, cancellation) =>
        {
            await Client.GetGrain<IAppointmentGrain>(booking.Id).AsReference<IGrainManagementExtension>().DeactivateOnIdle(cancellation);
            await Client.GetGrain<IRecipientGrain>("+" + PhoneMask.Digits(booking.Phone)).AsReference<IGrainManagementExtension>().DeactivateOnIdle(cancellation);
        });

    /// <summary>Bookings that did not end with attendance confirmed and every message of the journey sent and read.</summary>
    public async Task<int> UnfinishedAsync(IEnumerable<string> ids)
    {
        var views = await Task.WhenAll(ids.Select(id => Client.GetGrain<IAppointmentGrain>(id).GetAsync()));
        return views.Count(view => view is null || view.Attendance != Attendance.Confirmed
            || !Journey.All(kind => view.Notifications.Any(n => n.Kind == kind && n.State == NotificationState.Sent && n.DeliveryStatus == DeliveryStatus.Read)));
    }

    /// <summary>
    /// Tells the days of insight each booking's tally, as the bookings would, until every day says it stored them (the
    /// days write behind); how many are stored.
    /// </summary>
    public async Task<int> TallyAsync(IReadOnlyList<(string Day, string Id, Turtle.Grains.Insights.BookingTally Tally)> tallies)
    {
        var left = tallies.ToList();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        while (left.Count > 0 && DateTimeOffset.UtcNow < deadline)
        {
            var stored = new System.Collections.Concurrent.ConcurrentBag<string>();
            await Parallel.ForEachAsync(left, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (t, _) =>
            {
                if (await Client.GetGrain<Turtle.Grains.Insights.IInsightDayGrain>(t.Day).TallyAsync(t.Id, t.Tally))
                {
                    stored.Add(t.Id);
                }
            });
            var done = stored.ToHashSet();
            left = [.. left.Where(t => !done.Contains(t.Id))];
            if (left.Count > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
        return tallies.Count - left.Count;
    }

    /// <summary>Deactivates the days of insight once idle: the next read takes each from storage.</summary>
    public Task TakeDaysOutOfMemoryAsync(IEnumerable<string> days) =>
        Parallel.ForEachAsync(days, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (day, cancellation) =>
            await Client.GetGrain<Turtle.Grains.Insights.IInsightDayGrain>(day).AsReference<IGrainManagementExtension>().DeactivateOnIdle(cancellation));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
