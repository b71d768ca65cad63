namespace Turtle.Testing;

/// <summary>
/// The one way tests wait for what Turtle does after it has answered (a booking tells its attention list, its index and
/// its agenda once its own turn goes on; a silo connects; Meta's fake is sent a message): poll often, stop as soon as the
/// condition holds, give up at a deadline of the test's choosing.
/// </summary>
public static class Eventually
{
    /// <summary>How long to wait between two looks: short, so a test goes on as soon as what it waits for has happened.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws, naming <paramref name="what"/>, when <paramref name="timeout"/> passes first.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (!await ReadAsync(condition, held => held, timeout))
        {
            throw new TimeoutException($"{what}: not so within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; throws, naming <paramref name="what"/>, when <paramref name="timeout"/> passes first.</summary>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return HoldsAsync(() => Task.FromResult(condition()), timeout, what);
    }

    /// <summary>
    /// Reads until <paramref name="done"/> holds for what was read or <paramref name="timeout"/> has passed, and returns
    /// the last value read either way, for the caller's own assertions to judge (and to describe when they fail).
    /// </summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTimeOffset.UtcNow >= deadline)
            {
                return value;
            }
            await Task.Delay(Interval);
        }
    }

    /// <summary><see cref="ReadAsync{T}(Func{Task{T}}, Func{T, bool}, TimeSpan)"/> for a value read at once.</summary>
    public static Task<T> ReadAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(read);
        return ReadAsync(() => Task.FromResult(read()), done, timeout);
    }
}
