namespace Turtle.Grains.Appointments;

[GenerateSerializer, Alias("Turtle.RetryOutcome")]
public enum RetryOutcome
{
    /// <summary>The message is due again now; <see cref="RetryResult.Notification"/> says how far it got.</summary>
    Retried = 0,
    /// <summary>Nothing was ever stored under this booking's id.</summary>
    NotFound = 1,
    /// <summary>No message of that kind is failed (it was sent, is on its way, or does not exist).</summary>
    NotFailed = 2,
    /// <summary>The meeting has started, and the kind goes only before it.</summary>
    MeetingStarted = 3,
    /// <summary>The booking was cancelled, and its cancellation withdrew messages of that kind.</summary>
    BookingCancelled = 4,
}

/// <summary>What a retry did: refused (and why), or done, with the message as it stands after the attempt.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.RetryResult")]
public sealed record RetryResult(
    [property: Id(0)] RetryOutcome Outcome,
    [property: Id(1)] string? Reason = null,
    [property: Id(2)] NotificationView? Notification = null)
{
    public bool Retried => Outcome == RetryOutcome.Retried;
}
