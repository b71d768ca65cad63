namespace Turtle.Testing;

/// <summary>
/// Waits for what Turtle does after it has answered: a booking tells its attention list, its index and its agenda once
/// its own turn goes on, so a test that read the booking must wait for those to catch up rather than read them at once.
/// </summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; throws, naming <paramref name="what"/>, when <paramref name="timeout"/> passes first.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new TimeoutException($"{what}: not so within {timeout.TotalSeconds:0.#} s");
            }
            await Task.Delay(50);
        }
    }
}
