using Turtle.Grains.Appointments;
using Turtle.Grains.Telemetry;

namespace Turtle.Grains.Delivery;

/// <summary>What an attempt's outcome counts as in the <c>Turtle</c> meter, for a booking's messages and an agenda alike.</summary>
public static class MessageOutcomes
{
    /// <summary>Counts an attempt's outcome (in-process counters only: no storage, no grain call).</summary>
    public static void Count(Notification entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        MessageOutcome? outcome = entry.State switch
        {
            NotificationState.Sent => MessageOutcome.Sent,
            NotificationState.DryRun => MessageOutcome.DryRun,
            NotificationState.Failed => MessageOutcome.Failed,
            // Still pending after an attempt: it will be tried again.
            NotificationState.Pending => MessageOutcome.Retried,
            NotificationState.Skipped => MessageOutcome.Skipped,
            NotificationState.OptedOut => MessageOutcome.OptedOut,
            _ => null,
        };
        if (outcome is { } counted)
        {
            TurtleMetrics.Message(entry.Kind, counted);
        }
        // A message a person sent again is late by their choice, not the system's.
        if (entry is { State: NotificationState.Sent, RetriedAt: null })
        {
            TurtleMetrics.Lateness(entry.Kind, now - entry.DueAt);
        }
    }
}
