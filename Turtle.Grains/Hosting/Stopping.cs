namespace Turtle.Grains.Hosting;

/// <summary>
/// Whether a failure means the work was asked to stop. A grain call or a storage request can end in a
/// <see cref="TaskCanceledException"/> of its own (an activation whose registration in the directory was cancelled while
/// a silo left, a request that gave up): that is a failure like any other, to be logged and tried again. A loop that let
/// it through would end, and a background service that ends stops its silo.
/// </summary>
public static class Stopping
{
    public static bool Asked(Exception failure, CancellationToken stopping) =>
        failure is OperationCanceledException && stopping.IsCancellationRequested;
}
