using Turtle.Grains.Hosting;

namespace Turtle.Grains.Tests.Hosting;

public class StoppingTests
{
    [Fact]
    public void ACancellationOfItsOwnFromAGrainCallIsAFailureToTryAgainNotAStop()
    {
        using var running = new CancellationTokenSource();
        Assert.False(Stopping.Asked(new TaskCanceledException("the activation's registration was cancelled"), running.Token));
        Assert.False(Stopping.Asked(new TimeoutException(), running.Token));
    }

    [Fact]
    public void ACancellationWhileTheWorkIsAskedToStopIsAStop()
    {
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();
        Assert.True(Stopping.Asked(new OperationCanceledException(stopping.Token), stopping.Token));
        Assert.False(Stopping.Asked(new InvalidOperationException(), stopping.Token));
    }
}
