using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Records;

/// <summary>
/// A holder's record entries not yet in the client's record, kept in its own state (SPEC §13): written with the writes
/// it makes anyway (the claim before a send, the outcome after it, a status), so no write is added on the way a booking
/// is stored, and flushed to the record later. A message out is entered when its attempt is claimed, with everything
/// but Meta's answer, and completed by the answer; until then it is not flushed.
/// </summary>
public static class PendingEntries
{
    /// <summary>
    /// Longest text kept in an entry: WhatsApp's own limit on a text message's body, well within a table property's
    /// 64 KiB; anything longer is not something a client could have sent (a forged or broken delivery) and is cut.
    /// </summary>
    public const int MaxText = 4096;

    /// <summary>The entry of a claimed attempt, as it goes; an earlier attempt of the same message never answered is settled as unanswered.</summary>
    public static void Claimed(List<RecordEntry> pending, string holder, Notification message, RenderedMessage rendered, string? category, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(rendered);
        SettleClaims(pending, holder, message);
        var id = OutId(holder, message);
        pending.RemoveAll(e => e.Id == id);
        pending.Add(new RecordEntry
        {
            Id = id,
            At = at,
            Direction = RecordDirections.Out,
            Kind = message.Kind.ToString(),
            Text = rendered.Text is { } text ? BookingRecords.Cut(text, MaxText) : null,
            Template = rendered.Template,
            Language = rendered.Language,
            Category = category,
            Parameters = [.. rendered.Parameters.Select(p => BookingRecords.Cut(p, MaxText))],
            Status = RecordSendStatus.Claimed,
            Actor = message.RetriedBy ?? message.Trigger ?? BookingSources.Reminder,
            AppointmentId = holder,
        });
    }

    /// <summary>
    /// Completes the claimed attempt's entry with Meta's answer. An unanswered request leaves it claimed while its message
    /// still waits for Meta (a status or the next attempt settles it); a message no longer waiting settles it unanswered.
    /// </summary>
    public static void Answered(List<RecordEntry> pending, string holder, Notification message, SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(outcome);
        var index = pending.FindIndex(e => e.Id == OutId(holder, message));
        if (index < 0 || (outcome.Result == SendResult.Unanswered && message.State == NotificationState.Sending))
        {
            return;
        }
        if (outcome.Result == SendResult.Unanswered)
        {
            pending[index] = pending[index] with { Status = RecordSendStatus.Unanswered };
            return;
        }
        var status = outcome.Result switch
        {
            SendResult.Sent => RecordSendStatus.Accepted,
            SendResult.DryRun => RecordSendStatus.DryRun,
            SendResult.Permanent => RecordSendStatus.Refused,
            _ => RecordSendStatus.Retrying,
        };
        pending[index] = pending[index] with
        {
            Status = status,
            MessageId = outcome.MessageId,
            ErrorCode = outcome.ErrorCode,
            ErrorText = outcome.ErrorText is { } error ? BookingRecords.Cut(error, MaxText) : null,
        };
    }

    /// <summary>One of Meta's statuses about a message of the holder: an entry of its own.</summary>
    public static void Status(List<RecordEntry> pending, string holder, DeliveryStatusUpdate update)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(update);
        var status = update.Status.ToString().ToLowerInvariant();
        var id = RecordEntryIds.Status(update.MessageId, status);
        if (pending.Any(e => e.Id == id))
        {
            return;
        }
        pending.Add(new RecordEntry
        {
            Id = id,
            At = update.At,
            Direction = RecordDirections.Out,
            Kind = "status",
            MessageId = update.MessageId,
            Status = status,
            ErrorCode = update.ErrorCode,
            ErrorText = update.ErrorText is { } error ? BookingRecords.Cut(error, MaxText) : null,
            Actor = "meta",
            AppointmentId = holder,
        });
    }

    /// <summary>A booking's client agreed to its messages by booking with a WhatsApp number (SPEC §13: the opt-in and its source).</summary>
    public static void OptedIn(List<RecordEntry> pending, string holder, string source, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(pending);
        pending.Add(new RecordEntry
        {
            Id = RecordEntryIds.Consent($"{holder}/booked"),
            At = at,
            Direction = RecordDirections.Consent,
            Kind = "opt-in",
            Text = "booked with a WhatsApp number: messages about the booking",
            Actor = source,
            AppointmentId = holder,
        });
    }

    /// <summary>
    /// Claims of messages that no longer wait for Meta (withdrawn, or decided by a status) with no request of this activation
    /// in flight: their answer was lost with an earlier activation and will never come, so they go to the record as
    /// unanswered instead of waiting in the holder for ever.
    /// </summary>
    public static void SettleLostClaims(List<RecordEntry> pending, string holder, IEnumerable<Notification> messages)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(messages);
        if (!pending.Exists(e => e is { Direction: RecordDirections.Out, Status: RecordSendStatus.Claimed }))
        {
            return;
        }
        foreach (var message in messages.Where(m => m.State is not (NotificationState.Pending or NotificationState.Sending) && !m.InFlight))
        {
            SettleClaims(pending, holder, message);
        }
    }

    /// <summary>Every attempt of <paramref name="message"/> still claimed is settled as unanswered.</summary>
    private static void SettleClaims(List<RecordEntry> pending, string holder, Notification message)
    {
        var prefix = OutPrefix(holder, message);
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i].Status == RecordSendStatus.Claimed && pending[i].Id.StartsWith(prefix, StringComparison.Ordinal))
            {
                pending[i] = pending[i] with { Status = RecordSendStatus.Unanswered };
            }
        }
    }

    /// <summary>May go to the record now: anything but an attempt still waiting for Meta's answer.</summary>
    public static bool IsReady(RecordEntry entry) => entry is not { Direction: RecordDirections.Out, Status: RecordSendStatus.Claimed };

    private static string OutId(string holder, Notification message) =>
        RecordEntryIds.Out(holder, message.Kind.ToString(), message.LeadTime, message.Attempts);

    private static string OutPrefix(string holder, Notification message) =>
        RecordEntryIds.Out(holder, message.Kind.ToString(), message.LeadTime, 0)[..^1];
}
