using Turtle.Grains.Appointments;

namespace Turtle.Grains.Tests.Appointments;

public class DeliveryProgressTests
{
    [Theory]
    [InlineData(DeliveryStatus.None, DeliveryStatus.Sent, true)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Delivered, true)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Read, true)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Read, true)]
    [InlineData(DeliveryStatus.Read, DeliveryStatus.Delivered, false)]
    [InlineData(DeliveryStatus.Read, DeliveryStatus.Sent, false)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Delivered, false)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Failed, true)]
    [InlineData(DeliveryStatus.None, DeliveryStatus.Failed, true)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Failed, false)]
    [InlineData(DeliveryStatus.Failed, DeliveryStatus.Delivered, false)]
    [InlineData(DeliveryStatus.Failed, DeliveryStatus.Failed, false)]
    public void StatusesOnlyMoveForward(DeliveryStatus current, DeliveryStatus next, bool advances) =>
        Assert.Equal(advances, DeliveryProgress.Advances(current, next));
}
