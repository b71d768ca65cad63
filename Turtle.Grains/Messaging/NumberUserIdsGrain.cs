namespace Turtle.Grains.Messaging;

[GenerateSerializer, Alias("Turtle.NumberUserIdsState")]
public sealed class NumberUserIdsState
{
    /// <summary>The BSUIDs linked to the number, in the order Meta named them.</summary>
    [Id(0)] public List<string> UserIds { get; set; } = [];
}

/// <summary>
/// A number's BSUIDs (see <see cref="INumberUserIdsGrain"/>), stored with the recipients under the number's hash, so the
/// row names no one. Written once per link, which Meta makes once per user: the first status naming the user's BSUID.
/// </summary>
public sealed class NumberUserIdsGrain(
    [PersistentState("numberuserids", TurtleStorage.Recipients)] IPersistentState<NumberUserIdsState> state) : Grain, INumberUserIdsGrain
{
    public async Task AddAsync(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (!state.State.UserIds.Contains(userId))
        {
            state.State.UserIds.Add(userId);
            await state.WriteOrReloadAsync(this);
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.UserIds]);

    public async Task ForgetAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }
    }
}
