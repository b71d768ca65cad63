namespace Turtle.Grains.Messaging;

/// <summary>
/// One number's send slots, as decisions: messages to the number go out at least the spacing apart (Meta's pair rate
/// limit), in the order they asked. A later slot is kept under its holder's name: asking again answers the same slot,
/// until its time has come and it is handed over to be used. A holder a little late (a busy silo, a reminder moved to
/// another silo) still takes its slot, spaced after the last message handed over; one back later than
/// <see cref="LateGrace"/> has lost its turn and queues again.
/// </summary>
public sealed class RecipientSlots(TimeSpan spacing)
{
    /// <summary>
    /// Slack for the time between taking a slot and the request reaching Meta (a storage write, the HTTP call): two sends
    /// must arrive at least the spacing apart, not merely be granted so.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>How long after its time a reserved slot is still its holder's.</summary>
    public static readonly TimeSpan LateGrace = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, DateTimeOffset> _held = new(StringComparer.Ordinal);
    /// <summary>Held slots in the order they were given, so passed ones are forgotten without a scan.</summary>
    private readonly Queue<(string Holder, DateTimeOffset At)> _heldInOrder = new();
    private DateTimeOffset? _nextFree;
    private DateTimeOffset? _lastHandedOver;

    private TimeSpan Gap => spacing + Margin;

    /// <summary>Slots reserved and not handed over yet.</summary>
    public int Waiting => _held.Count;

    /// <summary>When <paramref name="holder"/>'s message may go: now (it is handed over) or later (it waits and asks again).</summary>
    public DateTimeOffset Reserve(string holder, DateTimeOffset now)
    {
        ForgetPassed(now);
        var earliest = _lastHandedOver is { } last ? Latest(last + Gap, now) : now;
        DateTimeOffset at;
        if (_held.TryGetValue(holder, out var held))
        {
            at = Latest(held, earliest);
        }
        else
        {
            at = Latest(_nextFree ?? now, earliest);
            _nextFree = at + Gap;
        }
        if (new SendSlot(OptedOut: false, at).IsLaterThan(now))
        {
            if (held != at)
            {
                _held[holder] = at;
                _heldInOrder.Enqueue((holder, at));
            }
        }
        else
        {
            // Handed over: the holder's next message takes a slot of its own.
            _held.Remove(holder);
            _lastHandedOver = now;
        }
        return at;
    }

    private void ForgetPassed(DateTimeOffset now)
    {
        while (_heldInOrder.TryPeek(out var oldest) && oldest.At + LateGrace < now)
        {
            _heldInOrder.Dequeue();
            if (_held.TryGetValue(oldest.Holder, out var at) && at == oldest.At)
            {
                _held.Remove(oldest.Holder);
            }
        }
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
