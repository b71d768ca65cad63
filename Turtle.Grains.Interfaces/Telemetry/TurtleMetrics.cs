using System.Diagnostics.Metrics;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Telemetry;

public enum WebhookSource
{
    Calendly,
    WhatsApp,
}

public enum WebhookOutcome
{
    /// <summary>Stored or applied: the delivery changed something.</summary>
    Applied,
    /// <summary>A repeated delivery: stored before, nothing changed.</summary>
    Repeat,
    /// <summary>An event type Turtle does not handle, answered 200.</summary>
    Ignored,
    /// <summary>Bad, missing or stale signature, or no key configured.</summary>
    Refused,
    /// <summary>Not a usable body (400), or too large (413).</summary>
    Malformed,
    /// <summary>The cluster could not be reached (503, the sender retries).</summary>
    Unavailable,
    /// <summary>A status about no message Turtle sent (neither its message id nor its callback data matched), ignored.</summary>
    Unmatched,
}

public enum MessageOutcome
{
    Sent,
    DryRun,
    Failed,
    Retried,
    Skipped,
    OptedOut,
}

public enum AdvisorRefreshOutcome
{
    Ok,
    Failed,
}

public enum ReconcileOutcome
{
    Ok,
    Failed,
}

public enum ReconcileAction
{
    Created,
    Cancelled,
}

/// <summary>
/// Turtle's own meter (SPEC §10). Instrument names are OpenTelemetry's; the Prometheus exporter turns dots into
/// underscores, appends the unit (<c>s</c> → <c>_seconds</c>) and <c>_total</c> to counters, so
/// <c>turtle.webhooks</c> is scraped as <c>turtle_webhooks_total</c>. Recording only moves in-process counters:
/// no storage write, no grain call. Labels take fixed values only, never an id, phone, e-mail or name.
/// </summary>
public static class TurtleMetrics
{
    public const string MeterName = "Turtle";

    /// <summary>Webhook <c>event</c> label when the body was not read far enough to know it.</summary>
    public const string UnknownEvent = "unknown";

    /// <summary>Webhook <c>event</c> label for an event type outside the known set (keeps the label's values bounded).</summary>
    public const string OtherEvent = "other";

    /// <summary>The WhatsApp webhook's events: delivery statuses, and inbound messages (texts, button replies).</summary>
    public const string WhatsAppStatusEvent = "status";
    public const string WhatsAppMessageEvent = "message";

    /// <summary>The WhatsApp webhook's template status, category and quality changes.</summary>
    public const string WhatsAppTemplateEvent = "template";

    private static readonly string[] CalendlyEvents =
    [
        "invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted",
        "routing_form_submission.created", "event_type.created", "event_type.updated", "event_type.deleted",
    ];

    private static readonly string[] WhatsAppEvents = [WhatsAppStatusEvent, WhatsAppMessageEvent, WhatsAppTemplateEvent];

    // Bucket bounds for lateness: a message sent on time is late by under a second; an outage or Meta's throttling by minutes.
    private static readonly double[] LatenessBuckets = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 21600, 86400];

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Webhooks = Meter.CreateCounter<long>(
        "turtle.webhooks", description: "Webhook deliveries received, by source, event type and outcome.");

    private static readonly Counter<long> Messages = Meter.CreateCounter<long>(
        "turtle.messages", description: "WhatsApp message attempts, by kind and outcome.");

    private static readonly Histogram<double> MessageLateness = Meter.CreateHistogram(
        "turtle.message.lateness", unit: "s", description: "Time from a message's due time until Meta accepted it.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatenessBuckets });

    private static readonly Counter<long> AdvisorRefreshes = Meter.CreateCounter<long>(
        "turtle.advisor.refreshes", description: "Advisor sheet loads, by outcome.");

    private static readonly Counter<long> WatchdogWakes = Meter.CreateCounter<long>(
        "turtle.watchdog.wakeups", description: "Bookings the per-day sweep woke because a due message was unsent (a lost reminder tick).");

    private static readonly Counter<long> ReconcileRuns = Meter.CreateCounter<long>(
        "turtle.reconcile.runs", description: "Calendly reconciliation runs, by outcome.");

    private static readonly Counter<long> ReconcileBookingChanges = Meter.CreateCounter<long>(
        "turtle.reconcile.bookings", description: "Bookings created or cancelled by Calendly reconciliation.");

    private static int _accountHeld;

    private static readonly ObservableGauge<int> AccountHeldGauge = Meter.CreateObservableGauge(
        "turtle.whatsapp.account.held", () => Volatile.Read(ref _accountHeld),
        description: "1 while Meta refuses the WhatsApp account and messages are held until a probe succeeds (SPEC §6), else 0.");

    /// <summary>Whether messages are held because Meta refused the account (the silo's <c>whatsapp-account</c> check).</summary>
    public static void AccountHeld(bool held) => Volatile.Write(ref _accountHeld, held ? 1 : 0);

    /// <summary>
    /// One webhook delivery. <paramref name="eventType"/> is Calendly's <c>event</c> or one of the WhatsApp events; a
    /// value outside the known set is recorded as <see cref="OtherEvent"/>, so a forged body cannot grow the label.
    /// </summary>
    public static void Webhook(WebhookSource source, string? eventType, WebhookOutcome outcome) =>
        Webhooks.Add(1,
            new("source", Label(source)),
            new("event", EventLabel(source, eventType)),
            new("outcome", Label(outcome)));

    public static void Message(NotificationKind kind, MessageOutcome outcome) =>
        Messages.Add(1, new("kind", kind.ToString()), new("outcome", Label(outcome)));

    /// <summary>A message accepted by Meta <paramref name="seconds"/> after its due time (0 when it went out early).</summary>
    public static void Lateness(NotificationKind kind, double seconds) =>
        MessageLateness.Record(Math.Max(0, seconds), new KeyValuePair<string, object?>("kind", kind.ToString()));

    public static void Lateness(NotificationKind kind, TimeSpan lateness) => Lateness(kind, lateness.TotalSeconds);

    /// <summary>Bookings woken by the watchdog sweep with a message due that their reminder had not sent.</summary>
    public static void WatchdogWakeups(int count)
    {
        if (count > 0)
        {
            WatchdogWakes.Add(count);
        }
    }

    public static void AdvisorRefresh(AdvisorRefreshOutcome outcome) =>
        AdvisorRefreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome == AdvisorRefreshOutcome.Ok ? "ok" : "failed"));

    public static void ReconcileRun(ReconcileOutcome outcome) =>
        ReconcileRuns.Add(1, new KeyValuePair<string, object?>("outcome", outcome == ReconcileOutcome.Ok ? "ok" : "failed"));

    public static void ReconcileBookings(ReconcileAction action, int count = 1)
    {
        if (count > 0)
        {
            ReconcileBookingChanges.Add(count, new KeyValuePair<string, object?>("action", action == ReconcileAction.Created ? "created" : "cancelled"));
        }
    }

    public static string Label(WebhookSource source) => source == WebhookSource.Calendly ? "calendly" : "whatsapp";

    public static string Label(WebhookOutcome outcome) => outcome switch
    {
        WebhookOutcome.Applied => "applied",
        WebhookOutcome.Repeat => "repeat",
        WebhookOutcome.Ignored => "ignored",
        WebhookOutcome.Refused => "refused",
        WebhookOutcome.Malformed => "malformed",
        WebhookOutcome.Unmatched => "unmatched",
        _ => "unavailable",
    };

    public static string Label(MessageOutcome outcome) => outcome switch
    {
        MessageOutcome.Sent => "sent",
        MessageOutcome.DryRun => "dry-run",
        MessageOutcome.Failed => "failed",
        MessageOutcome.Retried => "retried",
        MessageOutcome.Skipped => "skipped",
        _ => "opted-out",
    };

    private static string EventLabel(WebhookSource source, string? eventType)
    {
        if (string.IsNullOrEmpty(eventType) || eventType == UnknownEvent)
        {
            return UnknownEvent;
        }
        foreach (var known in source == WebhookSource.Calendly ? CalendlyEvents : WhatsAppEvents)
        {
            if (known == eventType)
            {
                // The known instance, not the caller's string: the label's values stay the ones above.
                return known;
            }
        }
        return OtherEvent;
    }
}
