using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Turtle.Testing;

/// <summary>The connections clients have open to a Kestrel endpoint of a fake or proxy, and the most at once.</summary>
public sealed class ConnectionGauge
{
    private int _open;
    private int _peak;

    /// <summary>The most connections open at once since the endpoint started or <see cref="Reset"/>.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Starts the peak again from the connections open now.</summary>
    public void Reset() => Volatile.Write(ref _peak, Volatile.Read(ref _open));

    /// <summary>Counts the connections of <paramref name="listen"/>.</summary>
    public void Watch(ListenOptions listen) => listen.Use(next => async connection =>
    {
        Opened();
        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    });

    private void Opened()
    {
        var open = Interlocked.Increment(ref _open);
        var peak = Volatile.Read(ref _peak);
        while (open > peak && Interlocked.CompareExchange(ref _peak, open, peak) is var seen && seen != peak)
        {
            peak = seen;
        }
    }
}
