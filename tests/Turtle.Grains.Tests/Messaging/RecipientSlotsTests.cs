using Microsoft.Extensions.Time.Testing;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Messaging;

/// <summary>One number's send slots: spaced, in turn, kept by their holders, never crowded by a late one.</summary>
public sealed class RecipientSlotsTests
{
    private static readonly TimeSpan Spacing = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Gap = Spacing + RecipientSlots.Margin;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly RecipientSlots _slots = new(Spacing);

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void AFreeNumberSendsNowAndTheNextMessagesWaitTheirTurnsInOrder()
    {
        var start = Now;

        Assert.Equal(start, _slots.Reserve("a", Now));
        Assert.Equal(start + Gap, _slots.Reserve("b", Now));
        Assert.Equal(start + (2 * Gap), _slots.Reserve("c", Now));
        Assert.Equal(2, _slots.Waiting);
    }

    [Fact]
    public void AHolderAskingAgainKeepsItsPlaceAndTakesTheSlotWhenItsTimeComes()
    {
        var start = Now;
        _slots.Reserve("a", Now);
        var b = _slots.Reserve("b", Now);
        _slots.Reserve("c", Now);

        // b's booking was deactivated and its reminder brings it back: the same slot, not the end of the queue.
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(b, _slots.Reserve("b", Now));
        _time.Advance(b - Now);
        Assert.Equal(b, _slots.Reserve("b", Now));
        // Handed over: b's next message is a new reservation after everyone already waiting.
        Assert.Equal(start + (3 * Gap), _slots.Reserve("b", Now));
    }

    [Fact]
    public void AHolderBackLateStillGoesButNeverCloserThanTheSpacingToTheOneBefore()
    {
        _slots.Reserve("a", Now);
        var b = _slots.Reserve("b", Now);
        var c = _slots.Reserve("c", Now);

        // c is on time, b comes back later still: b goes after c, spaced.
        _time.Advance(c - Now);
        Assert.Equal(c, _slots.Reserve("c", Now));
        _time.Advance(TimeSpan.FromSeconds(2));
        var late = _slots.Reserve("b", Now);

        Assert.True(late > b);
        Assert.Equal(c + Gap, late);
        _time.Advance(late - Now);
        Assert.Equal(late, _slots.Reserve("b", Now));
    }

    [Fact]
    public void AHolderLateByLessThanTheSpacingPushesTheNextHolderBackRatherThanCrowdIt()
    {
        _slots.Reserve("a", Now);
        var b = _slots.Reserve("b", Now);
        var c = _slots.Reserve("c", Now);

        _time.Advance(b - Now + TimeSpan.FromSeconds(1.5));
        Assert.True(_slots.Reserve("b", Now) <= Now, "b, a little late, goes now");
        var handedAt = Now;
        _time.Advance(c - Now);
        var cNow = _slots.Reserve("c", Now);

        Assert.Equal(handedAt + Gap, cNow);
        Assert.True(cNow > c);
    }

    [Fact]
    public void AHolderBackMuchLaterThanItsSlotHasLostItsTurn()
    {
        _slots.Reserve("a", Now);
        var b = _slots.Reserve("b", Now);
        _slots.Reserve("c", Now);
        _slots.Reserve("d", Now);

        _time.Advance(b - Now + RecipientSlots.LateGrace + TimeSpan.FromSeconds(1));
        _slots.Reserve("e", Now);
        Assert.Equal(2, _slots.Waiting);
        var again = _slots.Reserve("b", Now);

        // b's slot is forgotten: b queues behind e, who asked first.
        Assert.Equal(Now + Gap, again);
    }

    [Fact]
    public void SlotsWithinTheToleranceAreTakenNow()
    {
        _slots.Reserve("a", Now);
        var b = _slots.Reserve("b", Now);

        _time.Advance(b - Now - TimeSpan.FromMilliseconds(200));

        Assert.Equal(b, _slots.Reserve("b", Now));
        Assert.Equal(0, _slots.Waiting);
    }
}
