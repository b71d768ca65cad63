namespace Turtle.Grains.Messaging;

[GenerateSerializer, Alias("Turtle.OptOutListState")]
public sealed class OptOutListState
{
    /// <summary>Opted-out numbers (E.164) and when each sent STOP.</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Numbers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>WhatsApp ids (as E.164) that Meta said stand for another number, and that number.</summary>
    [Id(1)] public Dictionary<string, string> Links { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Opted-out numbers of erased clients, as <see cref="Clients.ClientHash"/>: still silenced, no longer named.</summary>
    [Id(2)] public HashSet<string> ErasedHashes { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One shard of the opt-out list (see <see cref="IOptOutListGrain"/>).</summary>
public sealed class OptOutListGrain(
    [PersistentState("optouts", TurtleStorage.Recipients)] IPersistentState<OptOutListState> state,
    TurtleClock time) : Grain, IOptOutListGrain
{
    public Task<bool> ContainsAsync(string phone) => Task.FromResult(state.State.Numbers.ContainsKey(phone)
        || (state.State.ErasedHashes.Count > 0 && state.State.ErasedHashes.Contains(Clients.ClientHash.Of(phone))));

    public async Task<bool> ForgetAsync(string phone)
    {
        var hash = Clients.ClientHash.Of(phone);
        var optedOut = state.State.Numbers.Remove(phone) | state.State.ErasedHashes.Contains(hash);
        var changed = optedOut && state.State.ErasedHashes.Add(hash);
        foreach (var link in state.State.Links.Where(l => l.Key == phone || l.Value == phone).ToList())
        {
            changed |= state.State.Links.Remove(link.Key);
        }
        if (changed || state.State.Numbers.ContainsKey(phone))
        {
            await WriteAsync();
        }
        return optedOut;
    }

    public Task<string?> PhoneOfAsync(string waId) => Task.FromResult(state.State.Links.GetValueOrDefault(waId));

    public async Task LinkAsync(string waId, string phone)
    {
        if (state.State.Links.TryGetValue(waId, out var known) && known == phone)
        {
            return;
        }
        state.State.Links[waId] = phone;
        await WriteAsync();
    }

    public async Task SetAsync(string phone, bool optedOut)
    {
        // A START from an erased number that had opted out lifts its hashed opt-out too.
        var changed = optedOut ? state.State.Numbers.TryAdd(phone, time.GetUtcNow())
            : state.State.Numbers.Remove(phone) | (state.State.ErasedHashes.Count > 0 && state.State.ErasedHashes.Remove(Clients.ClientHash.Of(phone)));
        if (changed)
        {
            await WriteAsync();
        }
    }

    private Task WriteAsync() => state.WriteOrReloadAsync(this);
}
