namespace Turtle.Grains.Messaging;

[GenerateSerializer, Alias("Turtle.OptOutListState")]
public sealed class OptOutListState
{
    /// <summary>Opted-out numbers (E.164) and when each sent STOP.</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Numbers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>WhatsApp ids (as E.164) that Meta said stand for another number, and that number.</summary>
    [Id(1)] public Dictionary<string, string> Links { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One shard of the opt-out list (see <see cref="IOptOutListGrain"/>).</summary>
public sealed class OptOutListGrain(
    [PersistentState("optouts", TurtleStorage.Recipients)] IPersistentState<OptOutListState> state,
    TurtleClock time) : Grain, IOptOutListGrain
{
    public Task<bool> ContainsAsync(string phone) => Task.FromResult(state.State.Numbers.ContainsKey(phone));

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
        var changed = optedOut ? state.State.Numbers.TryAdd(phone, time.GetUtcNow()) : state.State.Numbers.Remove(phone);
        if (changed)
        {
            await WriteAsync();
        }
    }

    private Task WriteAsync() => state.WriteOrReloadAsync(this);
}
