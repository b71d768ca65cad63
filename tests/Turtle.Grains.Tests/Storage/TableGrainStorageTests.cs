using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Storage;
using Turtle.Grains.Storage;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Storage;

/// <summary>Turtle's grain storage against Azurite: point keys, ETag guard, large states.</summary>
public class TableGrainStorageTests : IAsyncLifetime
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private readonly TableServiceClient _tables = TestStorage.CreateTableClient();
    private readonly string _name = "t" + Guid.NewGuid().ToString("N")[..10];
    private TableGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _storage = new TableGrainStorage(_name, "storage-tests", _tables, Serializer, NullLogger<TableGrainStorage>.Instance);
        await _tables.GetTableClient(TableGrainStorage.TableName(_name)).CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync() => await _tables.DeleteTableAsync(TableGrainStorage.TableName(_name));

    private static GrainId Grain(string key) => GrainId.Create("appointment", key);

    [Fact]
    public async Task MissingStateReadsAsNoRecord()
    {
        var state = new GrainState<List<string>>();

        await _storage.ReadStateAsync("appointment", Grain("missing"), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Empty(state.State!);
    }

    [Fact]
    public async Task WrittenStateReadsBackInAnotherCopy()
    {
        var grain = Grain(Guid.NewGuid().ToString());
        var written = new GrainState<List<string>>([.. new[] { "Confirmation", "AdvisorBio" }]);
        await _storage.WriteStateAsync("appointment", grain, written);

        var read = new GrainState<List<string>>();
        await _storage.ReadStateAsync("appointment", grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(["Confirmation", "AdvisorBio"], read.State);
    }

    [Fact]
    public async Task StaleCopyCannotOverwriteANewerWrite()
    {
        var grain = Grain(Guid.NewGuid().ToString());
        await _storage.WriteStateAsync("appointment", grain, new GrainState<List<string>>(["booked"]));
        var first = new GrainState<List<string>>();
        var second = new GrainState<List<string>>();
        await _storage.ReadStateAsync("appointment", grain, first);
        await _storage.ReadStateAsync("appointment", grain, second);

        first.State!.Add("claimed by first");
        await _storage.WriteStateAsync("appointment", grain, first);
        second.State!.Add("claimed by second");

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("appointment", grain, second));
        var stored = new GrainState<List<string>>();
        await _storage.ReadStateAsync("appointment", grain, stored);
        Assert.Equal(["booked", "claimed by first"], stored.State);
    }

    [Fact]
    public async Task TwoFirstWritesCannotBothWin()
    {
        var grain = Grain(Guid.NewGuid().ToString());
        await _storage.WriteStateAsync("appointment", grain, new GrainState<List<string>>(["one"]));

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("appointment", grain, new GrainState<List<string>>(["two"])));
    }

    [Fact]
    public async Task StateLargerThanOnePropertyIsSplitAndJoined()
    {
        var grain = Grain(Guid.NewGuid().ToString());
        var big = new byte[300 * 1024];
        Random.Shared.NextBytes(big);
        await _storage.WriteStateAsync("directory", grain, new GrainState<byte[]>(big));

        var read = new GrainState<byte[]>();
        await _storage.ReadStateAsync("directory", grain, read);

        Assert.Equal(big, read.State);
    }

    [Fact]
    public async Task ClearedStateIsGone()
    {
        var grain = Grain(Guid.NewGuid().ToString());
        var state = new GrainState<List<string>>(["x"]);
        await _storage.WriteStateAsync("appointment", grain, state);

        await _storage.ClearStateAsync("appointment", grain, state);
        var read = new GrainState<List<string>>();
        await _storage.ReadStateAsync("appointment", grain, read);

        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task EveryGrainHasItsOwnRowKey()
    {
        var table = _tables.GetTableClient(TableGrainStorage.TableName(_name));
        await _storage.WriteStateAsync("appointment", Grain("a/1"), new GrainState<List<string>>(["a"]));
        await _storage.WriteStateAsync("appointment", Grain("b/2"), new GrainState<List<string>>(["b"]));

        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            rows.Add(row);
        }

        Assert.Equal(2, rows.Select(r => r.RowKey).Distinct().Count());
        Assert.All(rows, r => Assert.StartsWith("storage-tests_", r.PartitionKey, StringComparison.Ordinal));
    }
}
