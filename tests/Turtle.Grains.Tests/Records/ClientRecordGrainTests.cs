using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;

namespace Turtle.Grains.Tests.Records;

[Collection(TurtleClusterGroup.Name)]
public class ClientRecordGrainTests(TurtleClusterFixture cluster)
{
    private RecordTable Table => ((InProcessSiloHandle)cluster.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<RecordTable>();

    [Fact]
    public async Task EntriesAppendedTwiceAreStoredOnceInOrderWithAChainThatVerifies()
    {
        var client = NewClient();
        var record = cluster.Grains.GetGrain<IClientRecordGrain>(client);
        var first = Entry("in/wamid.1", "hello");
        var second = Entry("in/wamid.2", "are you there?");

        Assert.Equal(2, await record.AppendAsync([first, second]));
        // A flush repeated after a crash, and a new entry with it: only the new one is stored.
        Assert.Equal(1, await record.AppendAsync([first, second, Entry("in/wamid.3", "thanks")]));

        var stored = await Table.ReadAsync(client);
        Assert.Equal(["in/wamid.1", "in/wamid.2", "in/wamid.3"], stored.Select(s => s.Entry.Id));
        Assert.Equal(RecordChain.Start, stored[0].PreviousHash);
        Assert.Equal(stored[0].Hash, stored[1].PreviousHash);
        Assert.Null(RecordChain.Verify(stored));
    }

    [Fact]
    public async Task ANewActivationContinuesTheChainFromTheTable()
    {
        var client = NewClient();
        var record = cluster.Grains.GetGrain<IClientRecordGrain>(client);
        await record.AppendAsync([Entry("in/wamid.a", "one")]);
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(0, await record.AppendAsync([Entry("in/wamid.a", "one")]));
        Assert.Equal(1, await record.AppendAsync([Entry("in/wamid.b", "two")]));

        var stored = await Table.ReadAsync(client);
        Assert.Equal(2, stored.Count);
        Assert.Null(RecordChain.Verify(stored));
    }

    [Fact]
    public async Task AnEditedEntryIsNamedByVerify()
    {
        var client = NewClient();
        await cluster.Grains.GetGrain<IClientRecordGrain>(client).AppendAsync([Entry("in/wamid.x", "yes"), Entry("in/wamid.y", "no")]);
        var stored = await Table.ReadAsync(client);

        var edited = stored.Select(s => s.Entry.Id == "in/wamid.x" ? s with { Entry = s.Entry with { Text = "I agree to everything" } } : s).ToList();
        var broken = RecordChain.Verify(edited);

        Assert.NotNull(broken);
        Assert.Equal("in/wamid.x", broken.At.Entry.Id);
        var removed = RecordChain.Verify(stored.Skip(1));
        Assert.Equal("in/wamid.y", removed!.At.Entry.Id);
    }

    [Fact]
    public async Task DeletingAnErasedClientsRecordLeavesNoListNamingTheNumber()
    {
        var client = NewClient();
        var staff = Entry("staff/reveal-phone/1", "revealed the number") with { Direction = RecordDirections.Staff, Kind = "reveal-phone", Actor = "Otto" };
        await cluster.Grains.GetGrain<IClientRecordGrain>(client).AppendAsync([Entry("in/wamid.del", "hello"), staff]);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Contains(client, await Table.StaffClientsAsync(today));

        Assert.Equal(2, await Table.DeleteClientAsync(client));

        Assert.Empty(await Table.ReadAsync(client));
        Assert.DoesNotContain(client, await Table.DayClientsAsync(today));
        Assert.DoesNotContain(client, await Table.StaffClientsAsync(today));
    }

    private static RecordEntry Entry(string id, string text) => new()
    {
        Id = id,
        At = DateTimeOffset.UtcNow,
        Direction = RecordDirections.In,
        Kind = "text",
        Text = text,
        Actor = "client",
    };

    private static string NewClient() => "+9197" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
