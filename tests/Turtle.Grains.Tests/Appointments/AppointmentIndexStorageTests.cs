using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Appointments;

[Collection(TurtleClusterGroup.Name)]
public class AppointmentIndexStorageTests(TurtleClusterFixture fixture)
{
    [Fact]
    public async Task AddedBookingIsStoredWithinTheFlushDelayNotOnlyHeldInMemory()
    {
        // Found by the chaos run: the flush was cancelled by its own timer's disposal, so a shard killed with its silo
        // lost every booking it listed (GET /api/appointments showed 66 of 98).
        var key = $"2031-01-0{Random.Shared.Next(1, 9)}/{Random.Shared.Next(16):00}";
        var id = Guid.NewGuid().ToString();
        await fixture.Grains.GetGrain<IAppointmentIndexGrain>(key).ExpectWakeAsync(id, DateTimeOffset.UtcNow.AddDays(3), DateTimeOffset.UtcNow.AddDays(2));

        var stored = await Eventually.ReadAsync(async () =>
        {
            var state = new GrainState<AppointmentIndexState>();
            await fixture.Storage(TurtleStorage.Appointments).ReadStateAsync("index", GrainId.Create("appointmentindex", key), state);
            return state;
        }, s => s.RecordExists && s.State!.Starts.ContainsKey(id) && s.State.Wakes.ContainsKey(id), AppointmentIndexGrain.FlushDelay + TimeSpan.FromSeconds(3));
        Assert.True(stored.RecordExists);
        Assert.Contains(id, stored.State!.Starts.Keys);
        Assert.Contains(id, stored.State.Wakes.Keys);
    }
}
