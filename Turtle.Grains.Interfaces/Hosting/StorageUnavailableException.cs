namespace Turtle.Grains.Hosting;

/// <summary>
/// A grain could not write what it was asked to store because storage did not answer: nothing is lost (the caller is
/// told so it can deliver again), and it is not a bug. The API answers 503 to it, like to an unreachable cluster.
/// </summary>
[GenerateSerializer, Alias("Turtle.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message) : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
