using System.Diagnostics;
using System.Globalization;
using System.Net;
using Azure.Data.Tables;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Xunit.Abstractions;
using static Turtle.EndToEnd.Tests.Kubernetes.KubernetesManifests;

namespace Turtle.EndToEnd.Tests.Kubernetes;

/// <summary>What Kubernetes does to a silo on a rollout or scale-in (SIGTERM, then SIGKILL after the grace period), on real processes.</summary>
public class SiloShutdownEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TurtleDeployment _turtle = new();

    public Task InitializeAsync() => _turtle.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task SigtermLeavesTheClusterCleanlyWithinTheSilosGracePeriod()
    {
        var grace = TimeSpan.FromSeconds(int.Parse(PodSpec("turtle-silo").Scalar("terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture));
        using var http = _turtle.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            // Bookings spread over both silos, so the one stopped has activations to hand over.
            using var booked = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
                CalendlyWebhooks.InviteeCreated(Guid.NewGuid().ToString(), $"+91 98765 4321{i}", DateTimeOffset.UtcNow.AddDays(2))));
            Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        }
        var leaving = _turtle.Silos[0];

        var clock = Stopwatch.StartNew();
        await leaving.StopAsync(grace);
        clock.Stop();
        var figure = $"e2e: silo SIGTERM -> exit {clock.Elapsed.TotalSeconds:0.0} s (grace period {grace.TotalSeconds:0} s)";
        output.WriteLine(figure);
        Figures.Record(figure);

        Assert.True(leaving.HasExited);
        Assert.True(clock.Elapsed < grace - TimeSpan.FromSeconds(10), $"SIGTERM to exit took {clock.Elapsed}, grace period {grace}");
        // A clean leave: the silo marked itself dead in the membership table, no one has to suspect it for missed probes.
        Assert.Equal("Dead", await MembershipStatusAsync(leaving.Ports!.Silo));
        Assert.Equal("Active", await MembershipStatusAsync(_turtle.Silos[1].Ports!.Silo));
        using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var booking = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(Guid.NewGuid().ToString(), "+91 98765 43299", DateTimeOffset.UtcNow.AddDays(2))));
        Assert.Equal(HttpStatusCode.OK, booking.StatusCode);
    }

    /// <summary>The silo's row in Orleans' Azure Table membership (<c>OrleansSiloInstances</c>, one partition per cluster).</summary>
    private async Task<string?> MembershipStatusAsync(int siloPort)
    {
        var table = TestStorage.CreateTableClient().GetTableClient("OrleansSiloInstances");
        var port = siloPort.ToString(CultureInfo.InvariantCulture);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == _turtle.ClusterId))
        {
            if (row.GetString("Port") == port)
            {
                return row.GetString("Status");
            }
        }
        return null;
    }
}
