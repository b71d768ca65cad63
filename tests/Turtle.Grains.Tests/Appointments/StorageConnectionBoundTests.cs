using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>A slow storage account makes requests wait in the silo, not open a connection each.</summary>
public class StorageConnectionBoundTests(ProxiedStorageFixture fixture) : IClassFixture<ProxiedStorageFixture>
{
    // The test's own cluster client polls the membership table through the proxy too, on a connection or two.
    private const int OtherClients = 4;

    private static bool OwnRow(string request) =>
        Uri.UnescapeDataString(request) is var text && (text.Contains("RowKey='appointment'", StringComparison.Ordinal) || text.Contains("\"RowKey\":\"appointment\"", StringComparison.Ordinal));

    [Fact]
    public async Task ABurstOfBookingsAgainstASlowAccountKeepsTheSiloWithinItsConnectionBoundAndStoresThemAll()
    {
        var bookings = Enumerable.Range(0, TurtleStorage.MaxConnections * 5).Select(_ => Bookings.New(TimeSpan.FromDays(3))).ToList();
        // Each booking's own row is slow; the rows every booking shares (its day, its advisor) are not, or they would
        // be the wait instead.
        fixture.Proxy.Delay = (_, request) => OwnRow(request) ? TimeSpan.FromMilliseconds(500) : TimeSpan.Zero;
        fixture.Proxy.Connections.Reset();
        try
        {
            await Task.WhenAll(bookings.Select(b => fixture.Grains.GetGrain<IAppointmentGrain>(b.InviteeId).BookAsync(b)));
        }
        finally
        {
            fixture.Proxy.Delay = null;
        }
        var peak = fixture.Proxy.Connections.Peak;
        Figures.Record($"grain: {bookings.Count} bookings at once against storage answering in 500 ms: at most {peak} connections open to it (bound {TurtleStorage.MaxConnections} a silo)");
        Assert.InRange(peak, TurtleStorage.MaxConnections / 2, TurtleStorage.MaxConnections + OtherClients);

        foreach (var booking in bookings)
        {
            var stored = new GrainState<AppointmentState>();
            await fixture.Storage(TurtleStorage.Appointments).ReadStateAsync("appointment", fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).GetGrainId(), stored);
            Assert.True(stored.RecordExists, booking.InviteeId);
        }
    }
}
