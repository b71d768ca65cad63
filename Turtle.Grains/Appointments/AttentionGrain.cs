namespace Turtle.Grains.Appointments;

[GenerateSerializer, Alias("Turtle.AttentionState")]
public sealed class AttentionState
{
    /// <summary>Keyed by <c>{appointmentId}|{reason}</c>.</summary>
    [Id(0)] public Dictionary<string, AttentionEntry> Entries { get; set; } = [];
}

/// <summary>
/// The attention list. Each change is written before it is answered, so a raised reason is never lost with a silo;
/// it changes only when a booking needs a person, which is rare next to bookings, so one grain carries it.
/// Past <see cref="Capacity"/> entries the oldest go first.
/// </summary>
public sealed class AttentionGrain(
    [PersistentState("attention", TurtleStorage.Appointments)] IPersistentState<AttentionState> state) : Grain, IAttentionGrain
{
    public const int Capacity = 10_000;

    public async Task RaiseAsync(AttentionEntry entry)
    {
        var key = Key(entry.AppointmentId, entry.Reason);
        if (state.State.Entries.TryGetValue(key, out var known) && known == entry)
        {
            return;
        }
        // A repeat keeps the time the reason first arose.
        state.State.Entries[key] = known is null ? entry : entry with { Since = known.Since };
        foreach (var oldest in state.State.Entries.OrderBy(e => e.Value.Since).Take(state.State.Entries.Count - Capacity).ToList())
        {
            state.State.Entries.Remove(oldest.Key);
        }
        await state.WriteStateAsync();
    }

    public async Task ClearAsync(string appointmentId, string reason)
    {
        if (state.State.Entries.Remove(Key(appointmentId, reason)))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<AttentionEntry>> ListAsync() =>
        Task.FromResult<IReadOnlyList<AttentionEntry>>([.. state.State.Entries.Values.OrderByDescending(e => e.Since)]);

    private static string Key(string appointmentId, string reason) => $"{appointmentId}|{reason}";
}
