namespace Turtle.Grains;

public static class GrainStateWrites
{
    /// <summary>
    /// Writes the state; when the write fails, memory is ahead of storage, so the activation goes once idle and the next
    /// one starts again from what is stored. The failure is rethrown for the caller (and Meta or Calendly) to retry.
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
