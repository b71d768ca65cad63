using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Delivery;

/// <summary>Until when a message may still be retried, and what the failure says once that is too late.</summary>
public sealed record Deadline(DateTimeOffset At, string Passed)
{
    public static Deadline Until(DateTimeOffset at) => new(at, "too late for the next attempt");
}

/// <summary>
/// What every message Turtle sends goes through, as decisions: when it is due, its claim, what an attempt's outcome does
/// (sent, retried with backoff, held, failed), and when its holder must next wake. A booking's own rules add to these
/// (<see cref="MessageRules"/>).
/// </summary>
public class SendRules(IOptions<NotificationOptions> options)
{
    protected NotificationOptions Options { get; } = options?.Value ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Nothing may be sent now (Meta refuses the access token): the message waits, unclaimed, and looks again later.</summary>
    public void Hold(Notification entry, string reason, DateTimeOffset now)
    {
        entry.NextAttemptAt = now + Options.HeldRecheckInterval;
        entry.LastError = reason;
    }

    /// <summary>A message to send now, or null when nothing is due: pending or interrupted, oldest first.</summary>
    public Notification? NextDue(IEnumerable<Notification> notifications, DateTimeOffset now) =>
        notifications.Where(n => IsOpen(n) && WakeAt(n) <= now).OrderBy(WakeAt).FirstOrDefault();

    /// <summary>When the booking must next wake up to send, or null when nothing is left to send.</summary>
    public DateTimeOffset? NextWake(IEnumerable<Notification> notifications) =>
        notifications.Where(IsOpen).Select(n => (DateTimeOffset?)WakeAt(n)).Min();

    /// <summary>Marks the message as being sent by this activation; persisted before the request goes out.</summary>
    public static void Claim(Notification entry, DateTimeOffset now)
    {
        entry.State = NotificationState.Sending;
        entry.Attempts++;
        entry.ClaimedAt = now;
        entry.NextAttemptAt = null;
    }

    /// <summary>Applies one attempt's outcome; a retry that would come at or after <paramref name="sendBy"/> fails instead.</summary>
    public void Apply(Notification entry, SendOutcome outcome, DateTimeOffset? sendBy, DateTimeOffset now, Random random) =>
        Apply(entry, outcome, sendBy is { } at ? Deadline.Until(at) : null, now, random);

    /// <summary>Applies one attempt's outcome; a retry that would come at or after the deadline fails instead.</summary>
    public void Apply(Notification entry, SendOutcome outcome, Deadline? sendBy, DateTimeOffset now, Random random)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Result == SendResult.Unanswered && entry.Attempts < Options.MaxAttempts)
        {
            // Meta may have taken it: the claim stands, so a status naming it records it sent, and only a claim that
            // heard nothing within the send timeout is tried again.
            entry.LastError = $"{outcome.Describe()} Waiting for Meta's status until {(entry.ClaimedAt ?? now) + Options.SendTimeout:u}.";
            return;
        }
        entry.ClaimedAt = null;
        entry.LastError = outcome.Describe();
        switch (outcome.Result)
        {
            case SendResult.Sent:
            case SendResult.DryRun:
                entry.State = outcome.Result == SendResult.Sent ? NotificationState.Sent : NotificationState.DryRun;
                entry.MessageId = outcome.MessageId;
                entry.MetaStatus = outcome.MessageStatus;
                entry.SentAt = now;
                break;
            case SendResult.TokenRefused:
                // Not the message's fault: it waits for a working token without using up its attempts.
                entry.State = NotificationState.Pending;
                entry.Attempts--;
                entry.NextAttemptAt = now + Options.HeldRecheckInterval;
                entry.LastError = $"held: Meta refused the WhatsApp access token ({outcome.Describe()}); sent once WhatsApp:AccessToken works again";
                break;
            case SendResult.Transient when entry.Attempts < Options.MaxAttempts:
                var retryAt = now + RetryDelay(entry.Attempts, outcome.RetryAfter, random);
                if (sendBy is { } deadline && retryAt >= deadline.At)
                {
                    entry.State = NotificationState.Failed;
                    entry.FailedAt = now;
                    entry.LastError += $" (no retry: {deadline.Passed})";
                    break;
                }
                entry.State = NotificationState.Pending;
                entry.NextAttemptAt = retryAt;
                break;
            default:
                entry.State = NotificationState.Failed;
                entry.FailedAt = now;
                break;
        }
    }

    /// <summary>How long Meta's per-user marketing limit (131049) is given before the one retry (SPEC §6).</summary>
    public static readonly TimeSpan PerUserLimitWait = TimeSpan.FromHours(24);

    /// <summary>
    /// Meta accepted the message, then reported it failed (a <c>failed</c> status): classified like a refused send, so a
    /// retryable code is tried again and any other fails it with Meta's code and text; 131049 waits 24 h for its one retry.
    /// A message to be tried again forgets the failed message's id, so its new send's statuses are its own.
    /// </summary>
    public void ApplyFailedStatus(Notification entry, int? code, string? text, Deadline? sendBy, DateTimeOffset now, Random random)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var described = MetaErrorCodes.Meaning(code) is { } meaning ? $"{text} — {meaning}" : text;
        var failedId = entry.MessageId;
        if (code == MetaErrorCodes.PerUserMarketingLimit && !entry.PerUserLimitRetried)
        {
            var retryAt = now + PerUserLimitWait;
            if (sendBy is not { } deadline || retryAt < deadline.At)
            {
                entry.State = NotificationState.Pending;
                entry.ClaimedAt = null;
                entry.NextAttemptAt = retryAt;
                entry.PerUserLimitRetried = true;
                entry.LastError = $"{code}: {described} (Meta reported message {failedId} failed; tried once more at {retryAt:u})";
                ForgetFailedSend(entry, now);
                return;
            }
        }
        var result = code == MetaErrorCodes.PerUserMarketingLimit ? SendResult.Permanent : MetaErrorCodes.Classify(code, 200) switch
        {
            MetaErrorKind.Retry => SendResult.Transient,
            MetaErrorKind.AccountHold => SendResult.TokenRefused,
            _ => SendResult.Permanent,
        };
        Apply(entry, new SendOutcome(result, ErrorCode: code, ErrorText: $"{described} (Meta reported message {failedId} failed after accepting it)"), sendBy, now, random);
        if (entry.State == NotificationState.Pending)
        {
            ForgetFailedSend(entry, now);
        }
    }

    private static void ForgetFailedSend(Notification entry, DateTimeOffset now)
    {
        entry.MessageId = null;
        entry.DeliveryStatus = DeliveryStatus.None;
        entry.MetaStatus = null;
        entry.FailedAt = now;
    }

    /// <summary>The message can never go as it is (its template disabled or rejected at Meta): failed, not retried.</summary>
    public static void Fail(Notification entry, string reason, DateTimeOffset now)
    {
        entry.State = NotificationState.Failed;
        entry.FailedAt = now;
        entry.LastError = reason;
    }

    public static void Skip(Notification entry, string reason)
    {
        entry.State = NotificationState.Skipped;
        entry.LastError = reason;
    }

    /// <summary>Exponential backoff with full jitter over the upper half, honouring Meta's Retry-After.</summary>
    public TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponential = Options.RetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 16));
        var capped = exponential > Options.RetryMaxDelay ? Options.RetryMaxDelay : exponential;
        var jittered = capped * (0.5 + (random.NextDouble() / 2));
        return retryAfter is { } after && after > jittered ? after : jittered;
    }

    protected static bool IsOpen(Notification n) => n.State is NotificationState.Pending or NotificationState.Sending;

    /// <summary>
    /// A claim older than the send timeout was interrupted (the silo died mid-send): it is due again then, or later when
    /// its new attempt had to wait (held, the number's turn, no advisor yet). The claim itself stays, so Meta's status
    /// of the interrupted send still finds it.
    /// </summary>
    private DateTimeOffset WakeAt(Notification n) => n.State == NotificationState.Sending
        ? Later((n.ClaimedAt ?? n.DueAt) + Options.SendTimeout, n.NextAttemptAt)
        : n.NextAttemptAt ?? n.DueAt;

    private static DateTimeOffset Later(DateTimeOffset at, DateTimeOffset? other) => other is { } o && o > at ? o : at;
}
