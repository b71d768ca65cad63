using System.Globalization;
using Turtle.Grains.Messaging;
using Turtle.Grains.Tests.Cluster;

namespace Turtle.Grains.Tests.Messaging;

/// <summary>Where a status naming only Meta's id of a message to a number is taken to be checked.</summary>
[Collection(TurtleClusterGroup.Name)]
public sealed class RecipientHoldersTests(TurtleClusterFixture fixture)
{
    [Fact]
    public async Task AHolderThatTookASendSlotIsAskedBeforeItIsListedAsTheNumbersBooking()
    {
        // A new booking sends before its first write lists it with its number; Meta's failed status of that send, without
        // callback data, can come while its answer is still awaited.
        var number = "+9198" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var recipient = fixture.Grains.GetGrain<IRecipientGrain>(number);
        var (first, second) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        await recipient.ReserveSendSlotAsync(first);
        await recipient.ReserveSendSlotAsync(second);

        var holders = await recipient.HoldersOfAsync("wamid.never-answered");

        Assert.Equal([second, first], holders);
    }
}
