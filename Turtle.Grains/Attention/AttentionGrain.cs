using Turtle.Grains.Appointments;

namespace Turtle.Grains.Attention;

[GenerateSerializer, Alias("Turtle.AttentionState")]
public sealed class AttentionState
{
    /// <summary>Keyed by <c>{appointmentId}|{reason}</c>.</summary>
    [Id(0)] public Dictionary<string, AttentionEntry> Entries { get; set; } = [];

    /// <summary>The <see cref="AttentionEntry.Since"/> of the last entry cleared under each key: that occurrence is not listed again.</summary>
    [Id(1)] public Dictionary<string, DateTimeOffset> Cleared { get; set; } = [];
}

/// <summary>
/// The attention list. Each change is written before it is answered, so a raised reason is never lost with a silo;
/// it changes only when a booking needs a person, which is rare next to bookings, so one grain carries it.
/// Bookings tell it at least once, so raising is idempotent per occurrence (its <see cref="AttentionEntry.Since"/>):
/// one already listed changes nothing, and one already cleared (by its booking, or marked handled by a person) is not
/// listed again; a later occurrence is. Past <see cref="Capacity"/> entries the oldest go first.
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
        var wasCleared = state.State.Cleared.TryGetValue(key, out var cleared);
        if (wasCleared && entry.Since <= cleared)
        {
            return;
        }
        state.State.Cleared.Remove(key);
        state.State.Entries[key] = entry;
        Trim(state.State.Entries, e => e.Since);
        await WriteAsync(key, known, wasCleared ? cleared : null);
    }

    public async Task ClearAsync(string appointmentId, string reason)
    {
        var key = Key(appointmentId, reason);
        if (state.State.Entries.Remove(key, out var removed))
        {
            var wasCleared = state.State.Cleared.TryGetValue(key, out var cleared);
            state.State.Cleared[key] = removed.Since;
            Trim(state.State.Cleared, since => since);
            await WriteAsync(key, removed, wasCleared ? cleared : null);
        }
    }

    public Task<IReadOnlyList<AttentionEntry>> ListAsync() =>
        Task.FromResult<IReadOnlyList<AttentionEntry>>([.. state.State.Entries.Values.OrderByDescending(e => e.Since)]);

    /// <summary>A change not stored is not kept either (the key goes back to what it was), so its repeat is written.</summary>
    private async Task WriteAsync(string key, AttentionEntry? entry, DateTimeOffset? cleared)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            if (entry is null)
            {
                state.State.Entries.Remove(key);
            }
            else
            {
                state.State.Entries[key] = entry;
            }
            if (cleared is { } since)
            {
                state.State.Cleared[key] = since;
            }
            else
            {
                state.State.Cleared.Remove(key);
            }
            // Storage may hold a newer copy (a write whose answer was lost): the next activation reads it.
            DeactivateOnIdle();
            throw;
        }
    }

    private static string Key(string appointmentId, string reason) => $"{appointmentId}|{reason}";

    private static void Trim<T>(Dictionary<string, T> entries, Func<T, DateTimeOffset> since)
    {
        foreach (var oldest in entries.OrderBy(e => since(e.Value)).Take(entries.Count - Capacity).ToList())
        {
            entries.Remove(oldest.Key);
        }
    }
}
