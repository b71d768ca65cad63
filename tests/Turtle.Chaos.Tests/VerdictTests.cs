using System.Text.Json;
using Turtle.Testing.Calendly;
using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos.Tests;

/// <summary>
/// The chaos run's verdict on hand-made records: what the client's webhooks said and when they were taken, and what Meta
/// accepted. Times are from <see cref="T0"/>, the booking; the verdict is read long after, when every message due is past
/// its lateness bound.
/// </summary>
public sealed class VerdictTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = T0 + TimeSpan.FromMinutes(20);

    private readonly FakeCalendlyApi _calendly = new();
    private readonly Dictionary<Delivery, DeliveryOutcome> _outcomes = [];
    private readonly List<FakeWhatsAppRequest> _accepted = [];
    private readonly List<Invitee> _invitees = [];
    private int _numbers;

    public ValueTask DisposeAsync() => _calendly.DisposeAsync();

    [Fact]
    public void AConfirmationMetaAcceptedOncePasses()
    {
        var invitee = Booked(startsIn: TimeSpan.FromHours(1));
        Sent(invitee, "Confirmation", Seconds(2));

        var verdict = Judge();

        Assert.Empty(verdict.Duplicated);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void AConfirmationMetaAcceptedTwiceFailsTheRun()
    {
        var invitee = Booked(startsIn: TimeSpan.FromHours(1));
        Sent(invitee, "Confirmation", Seconds(2));
        Sent(invitee, "Confirmation", Seconds(40));

        var verdict = Judge();

        Assert.Equal("Confirmation", Assert.Single(verdict.Duplicated).Kind);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void AMessageMetaFailedAfterAcceptingAndTookAgainIsNoDuplicate()
    {
        var invitee = Booked(startsIn: TimeSpan.FromHours(1));
        Sent(invitee, "Confirmation", Seconds(2), thenFailed: WhatsAppFault.ServiceUnavailable);
        Sent(invitee, "Confirmation", Seconds(6));

        var verdict = Judge();

        Assert.Empty(verdict.Duplicated);
        Assert.Empty(verdict.Missing);
        Assert.Equal((1, 1), (verdict.Sent, verdict.FailedLater));
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void ARetryableFailureMetaReportedAfterAcceptingLeavesTheMessageMissingUntilAcceptedAgain()
    {
        var invitee = Booked(startsIn: TimeSpan.FromHours(1));
        Sent(invitee, "Confirmation", Seconds(2), thenFailed: WhatsAppFault.ServiceUnavailable);

        var verdict = Judge();

        var missing = Assert.Single(verdict.Missing);
        Assert.Equal("Confirmation", missing.Kind);
        Assert.Contains("retryable", missing.What, StringComparison.Ordinal);
        Assert.False(verdict.Passed);
    }

    [Theory]
    [InlineData(131050)]
    [InlineData(130472)]
    [InlineData(131049)]
    public void AMessageMetaFailedForGoodAfterAcceptingIsOwedButNotMissing(int code)
    {
        var fault = new[] { WhatsAppFault.MarketingStopped, WhatsAppFault.UserInExperiment, WhatsAppFault.EcosystemEngagement }.Single(f => f.MetaCode == code);
        var invitee = Booked(startsIn: TimeSpan.FromMinutes(6));
        Sent(invitee, "Confirmation", Seconds(2));
        Sent(invitee, "AdvisorBio", Seconds(61));
        Sent(invitee, "Reconfirm", Seconds(106));
        Sent(invitee, "Reminder", Seconds(121), thenFailed: fault);

        var verdict = Judge();

        Assert.Empty(verdict.Missing);
        Assert.Empty(verdict.Stopped);
        Assert.Equal((1, 0, 1), verdict.ByKind["Reminder"]);
        Assert.Equal(4, verdict.Expected);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void AWakeUpMetaFailedAfterAcceptingStillCountsAsFiredWhenALaterOneNeverWent()
    {
        var invitee = Booked(startsIn: TimeSpan.FromMinutes(6));
        Sent(invitee, "Confirmation", Seconds(2));
        Sent(invitee, "AdvisorBio", Seconds(61), thenFailed: WhatsAppFault.MarketingStopped);

        var verdict = Judge();

        var stopped = Assert.Single(verdict.Stopped);
        Assert.Equal("Reconfirm", stopped.Kind);
    }

    [Fact]
    public void NothingDueAfterTheClientsStopIsOwed()
    {
        // Bio, attendance check and reminder fall due 60, 105 and 120 s after booking; the STOP came at 30 s.
        var invitee = Booked(startsIn: TimeSpan.FromMinutes(6));
        Sent(invitee, "Confirmation", Seconds(2));
        Webhook(invitee, PlannedStop.FromNumberEvent, Seconds(30), Seconds(31));

        var verdict = Judge();

        Assert.Empty(verdict.Missing);
        Assert.Empty(verdict.Forbidden);
        Assert.Equal((1, 0), verdict.Stops);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void AMessageToTheNumberAfterItsStopWasTakenFailsTheRun()
    {
        var invitee = Booked(startsIn: TimeSpan.FromMinutes(6));
        Sent(invitee, "Confirmation", Seconds(2));
        Webhook(invitee, PlannedStop.FromNumberEvent, Seconds(30), Seconds(31));
        Sent(invitee, "Reminder", Seconds(120));

        var verdict = Judge();

        var forbidden = Assert.Single(verdict.Forbidden);
        Assert.Equal("Reminder", forbidden.Kind);
        Assert.Contains("STOP from its number", forbidden.What, StringComparison.Ordinal);
        Assert.False(verdict.Passed);
    }

    [Theory]
    [InlineData(6, false)]
    [InlineData(11, true)]
    public void ASendReachingMetaWithinTheInFlightAllowanceOfTheStopIsAllowed(int secondsAfterTheStopWasTaken, bool forbidden)
    {
        Assert.Equal(TimeSpan.FromSeconds(10), ChaosSettings.InFlight);
        var invitee = Booked(startsIn: TimeSpan.FromMinutes(6));
        Sent(invitee, "Confirmation", Seconds(2));
        Webhook(invitee, PlannedStop.FromNumberEvent, Seconds(110), Seconds(115));
        Sent(invitee, "Reminder", Seconds(115 + secondsAfterTheStopWasTaken));

        var verdict = Judge();

        Assert.Equal(forbidden, verdict.Forbidden.Count == 1);
        Assert.Equal(forbidden ? 0 : 1, verdict.InFlightAtStop);
    }

    [Fact]
    public void AStopNamingOnlyTheBsuidSilencesTheNumberFromWhenItsLinkWasTaken()
    {
        // The STOP was taken at 31 s, before any status tied the BSUID to the number (taken at 100 s): Turtle keeps it
        // and applies it with the link, so the bio at 105 s was in flight and the reminder at 120 s was let through.
        var invitee = Booked(startsIn: TimeSpan.FromMinutes(6));
        Sent(invitee, "Confirmation", Seconds(2));
        Webhook(invitee, PlannedStop.FromUserEvent, Seconds(30), Seconds(31));
        Webhook(invitee, PlannedStop.LinkEvent, Seconds(99), Seconds(100));
        Sent(invitee, "AdvisorBio", Seconds(105));
        Sent(invitee, "Reminder", Seconds(120));

        var verdict = Judge();

        var forbidden = Assert.Single(verdict.Forbidden);
        Assert.Equal("Reminder", forbidden.Kind);
        Assert.Contains("naming only its BSUID", forbidden.What, StringComparison.Ordinal);
        Assert.Equal((0, 1), verdict.Stops);
    }

    [Fact]
    public void APausedTemplatesMessagesMustWaitForTheResumeAndThenAllGo()
    {
        // Paused from 61 s (taken) + the silos' kept check + in flight = 76 s, until the resume first sent at 180 s.
        var pause = new TemplatePause(MetaChanges.ReminderTemplate, "Reminder",
            Account("template.paused", Seconds(60), Seconds(61)), Account("template.approved", Seconds(180), Seconds(181)));
        var waited = Booked(startsIn: TimeSpan.FromSeconds(360));
        var early = Booked(startsIn: TimeSpan.FromSeconds(370));
        var lost = Booked(startsIn: TimeSpan.FromSeconds(380));
        var before = Booked(startsIn: TimeSpan.FromSeconds(270));
        Sent(waited, "Reminder", Seconds(190));
        Sent(early, "Reminder", Seconds(131));
        Sent(before, "Reminder", Seconds(31));

        var verdict = Judge(pause);

        Assert.Equal(new PauseOutcome(Seconds(76), Seconds(180), DueWhilePaused: 3, WentAfterResume: 1, Lost: 1, SentWhilePaused: 1), verdict.Paused);
        var whilePaused = Assert.Single(verdict.Forbidden, f => f.What.Contains("paused", StringComparison.Ordinal));
        Assert.Equal((early.Id, "Reminder"), (whilePaused.InviteeId, whilePaused.Kind));
        Assert.Contains(verdict.Missing, m => m.InviteeId == lost.Id && m.Kind == "Reminder");
        Assert.False(verdict.Passed);
    }

    [Fact]
    public async Task TemplateChangesMetaMadeMustShowInTheApi()
    {
        var folder = Directory.CreateTempSubdirectory("turtle-chaos-tests");
        try
        {
            await using var meta = new FakeWhatsAppApi();
            using var sender = new WebhookSender(new Uri("http://127.0.0.1:9"), WebhookTarget.Meta("secret"), folder.FullName);
            var changes = new MetaChanges(meta, sender, T0, TimeSpan.FromMinutes(3));
            foreach (var webhook in new[] { changes.Pause.Pause, changes.Pause.Resume, changes.Recategorisation.Update })
            {
                _outcomes[webhook] = new DeliveryOutcome(webhook, webhook.NotBefore, 1, 200);
            }
            using var templates = JsonDocument.Parse("""
                {"items": [{"name": "turtle_meeting_reminder", "language": "en", "status": "PAUSED", "category": "UTILITY"},
                           {"name": "turtle_missed_meeting", "language": "en", "status": "APPROVED", "category": "MARKETING"}]}
                """);
            using var attention = JsonDocument.Parse("""
                {"items": [{"appointmentId": "turtle_missed_meeting:en", "reason": "template", "detail": "Template turtle_missed_meeting (en), used for NoShow: …"}]}
                """);

            var unapplied = changes.Unapplied(templates.RootElement, attention.RootElement, _outcomes);

            Assert.Equal(["turtle_meeting_reminder not shown APPROVED after its resume was taken"], unapplied);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private Verdict Judge(TemplatePause? pause = null) =>
        Verdict.Of(_invitees, _outcomes, _accepted, new CalendlyMirror(_calendly), Later, pause);

    private static DateTimeOffset Seconds(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    /// <summary>A half-hour meeting booked at <see cref="T0"/>, its create webhook taken a second later.</summary>
    private Invitee Booked(TimeSpan startsIn)
    {
        var invitee = new Invitee
        {
            Id = Guid.NewGuid().ToString(),
            Phone = $"+91 9{100_000_000 + Interlocked.Increment(ref _numbers)}",
            Start = T0 + startsIn,
            End = T0 + startsIn + TimeSpan.FromMinutes(30),
            Behaviour = "test",
            BookedAt = T0,
        };
        _invitees.Add(invitee);
        Webhook(invitee, "invitee.created", T0, Seconds(1));
        return invitee;
    }

    private void Webhook(Invitee invitee, string eventType, DateTimeOffset sent, DateTimeOffset taken)
    {
        var delivery = new Delivery(invitee.Id, eventType, "{}", sent);
        invitee.Add(delivery);
        _outcomes[delivery] = new DeliveryOutcome(delivery, taken, 1, 200);
    }

    private Delivery Account(string eventType, DateTimeOffset sent, DateTimeOffset taken)
    {
        var delivery = new Delivery("", eventType, "{}", sent);
        _outcomes[delivery] = new DeliveryOutcome(delivery, taken, 1, 200);
        return delivery;
    }

    /// <summary>Meta accepted the message at <paramref name="at"/>; with <paramref name="thenFailed"/>, then reported it failed.</summary>
    private void Sent(Invitee invitee, string kind, DateTimeOffset at, WhatsAppFault? thenFailed = null) => _accepted.Add(new FakeWhatsAppRequest(
        at, string.Concat(invitee.Phone.Where(char.IsAsciiDigit)), kind == "Reminder" ? MetaChanges.ReminderTemplate : $"turtle_{kind}", "en", [],
        $"{invitee.Id}:{kind}", 200, null, $"wamid.{Guid.NewGuid():N}", "{}") { LateFault = thenFailed });
}
