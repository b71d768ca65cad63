namespace Turtle.Grains.Delivery;

/// <summary>What a holder's next wake-up is for, as <see cref="WakePolicy"/> reads it.</summary>
/// <param name="Messages">Its messages: the next one open sets the time.</param>
/// <param name="KeepWaking">Something besides a message needs it to wake (telling the attention list): the reminder stays.</param>
/// <param name="WakeSoon">Something needs it to wake within a reminder period (its listing, or its tally of insight, is not stored yet).</param>
public sealed record WakeNeeds(IEnumerable<Notification> Messages, bool KeepWaking = false, bool WakeSoon = false);
