using System.Text.Json;
using System.Text.Json.Nodes;
using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos.Tests;

/// <summary>
/// "Every failed status reached its message": a send Meta accepted and then reported failed, against its booking as
/// <c>GET /api/appointments/{id}</c> shows it and the attention list, both hand-made here in the API's JSON.
/// </summary>
public sealed class AsyncFailuresTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = T0 + TimeSpan.FromMinutes(20);
    private const string Id = "4f1c0b6e-0d55-4d0e-9a7a-3c2b1d0e9f11";

    private readonly List<FakeWhatsAppRequest> _accepted = [];
    private readonly Dictionary<string, JsonElement> _bookings = [];
    private readonly JsonArray _attention = [];

    [Fact]
    public void AFailureShownWithItsCodeAndListedReachedItsMessage()
    {
        Accepted("Reminder", T0, thenFailed: WhatsAppFault.MarketingStopped);
        Booking("Booked", ("Reminder", "failed", "131050: (#131050) Unable to deliver the message. — the client has stopped marketing messages"));
        Listed("Reminder: 131050: (#131050) Unable to deliver the message.");

        var outcome = Judge();

        Assert.Empty(outcome.Unreached);
        Assert.Equal((1, 1, 1), (outcome.Reported, outcome.Failed, outcome.Listed));
    }

    [Fact]
    public void AMessageStillShownSentAfterMetaFailedItIsUnreached()
    {
        Accepted("Reminder", T0, thenFailed: WhatsAppFault.UserInExperiment);
        Booking("Booked", ("Reminder", "sent", null));

        var unreached = Assert.Single(Judge().Unreached);

        Assert.Equal((Id, "Reminder", 130472), (unreached.InviteeId, unreached.Kind, unreached.Code));
        Assert.Contains("still shown sent", unreached.What, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedMessageMissingFromTheAttentionListIsUnreached()
    {
        Accepted("AdvisorBio", T0, thenFailed: WhatsAppFault.MarketingStopped);
        Booking("Booked", ("AdvisorBio", "failed", "131050: stopped marketing messages"));

        var unreached = Assert.Single(Judge().Unreached);

        Assert.Contains("not on /api/attention", unreached.What, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailureShownWithoutMetasCodeIsUnreached()
    {
        Accepted("Reminder", T0, thenFailed: WhatsAppFault.MarketingStopped);
        Booking("Booked", ("Reminder", "failed", "132001: template name does not exist"));
        Listed("Reminder: 132001: template name does not exist");

        Assert.Contains("does not name Meta's 131050", Assert.Single(Judge().Unreached).What, StringComparison.Ordinal);
    }

    [Fact]
    public void A131049WaitingForItsRetryAndListedReachedItsMessage()
    {
        Accepted("FollowUp", T0, thenFailed: WhatsAppFault.EcosystemEngagement);
        Booking("Booked", ("FollowUp", "pending", "131049: (#131049) This message was not delivered … tried once more at 2026-12-08 09:00:01Z"));
        Listed("FollowUp: 131049: (#131049) This message was not delivered");

        var outcome = Judge();

        Assert.Empty(outcome.Unreached);
        Assert.Equal((1, 1), (outcome.Waiting, outcome.Listed));
    }

    [Fact]
    public void ARetryableFailureAcceptedAgainAndShownSentReachedItsMessageWithoutBeingListed()
    {
        Accepted("Confirmation", T0, thenFailed: WhatsAppFault.ServiceUnavailable);
        Accepted("Confirmation", T0 + TimeSpan.FromSeconds(4));
        Booking("Booked", ("Confirmation", "sent", null));

        var outcome = Judge();

        Assert.Empty(outcome.Unreached);
        Assert.Equal(1, outcome.SentAgain);
    }

    [Fact]
    public void APermanentFailureOfASendWhoseAnswerNeverReachedTurtleSentAgainIsInTheKnownWindow()
    {
        // The failed status names only the first send's id, which Turtle never had: its answer was lost.
        Accepted("FollowUp", T0, thenFailed: WhatsAppFault.MarketingStopped);
        Accepted("FollowUp", T0 + TimeSpan.FromSeconds(67));
        Booking("Booked", ("FollowUp", "sent", null));

        var outcome = Judge(unanswered: new HashSet<string> { _accepted[0].MessageId! });

        Assert.Empty(outcome.Unreached);
        Assert.Equal(1, outcome.InWindow);
    }

    [Fact]
    public void APermanentFailureSentAgainIsUnreached()
    {
        Accepted("Reconfirm", T0, thenFailed: WhatsAppFault.UserInExperiment);
        Accepted("Reconfirm", T0 + TimeSpan.FromSeconds(45));
        Booking("Booked", ("Reconfirm", "sent", null));

        Assert.Contains("sent it again", Assert.Single(Judge().Unreached).What, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedMessageOfACancelledBookingNeedNotBeListed()
    {
        Accepted("Reminder", T0, thenFailed: WhatsAppFault.MarketingStopped);
        Booking("Cancelled", ("Reminder", "failed", "131050: stopped marketing messages"));

        var outcome = Judge();

        Assert.Empty(outcome.Unreached);
        Assert.Equal((1, 0), (outcome.Failed, outcome.Listed));
    }

    [Fact]
    public void AFailureTooRecentForItsStatusToHaveArrivedIsNotJudged()
    {
        Accepted("Reminder", Later - TimeSpan.FromSeconds(5), thenFailed: WhatsAppFault.MarketingStopped);
        Booking("Booked", ("Reminder", "sent", null));

        var outcome = Judge();

        Assert.Empty(outcome.Unreached);
        Assert.Equal((0, 1), (outcome.Reported, outcome.TooRecent));
    }

    [Fact]
    public void AFailureWhoseBookingIsNotFoundIsUnreached()
    {
        Accepted("Confirmation", T0, thenFailed: WhatsAppFault.MarketingStopped);

        Assert.Contains("not found", Assert.Single(Judge().Unreached).What, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailuresAreScriptedOnceANumberForClientsWhoNeitherTapNorStop()
    {
        var random = new Random(7);
        var invitees = Enumerable.Range(0, 12).Select(i => new Invitee
        {
            Id = $"invitee-{i}",
            Phone = $"+91 9{100_000_000 + i}",
            Start = T0 + TimeSpan.FromMinutes(10),
            End = T0 + TimeSpan.FromMinutes(40),
            Behaviour = "test",
            BookedAt = T0,
            Answer = i % 3 == 1 ? new PlannedAnswer("decline", TimeSpan.FromSeconds(5), null, false, false) : null,
            Stop = i % 3 == 2 ? new PlannedStop(TimeSpan.FromSeconds(30), false) : null,
        }).ToList();
        await using var meta = new FakeWhatsAppApi();
        var failures = new AsyncFailures(meta, random, T0, TimeSpan.FromMinutes(30));

        failures.Script(invitees, T0 + TimeSpan.FromMinutes(30));

        Assert.Equal(4, failures.Scripted.Count);
        Assert.All(failures.Scripted, s => Assert.True(s.Invitee.Answer is null && s.Invitee.Stop is null));
        Assert.Equal(4, failures.Scripted.Select(s => s.Invitee.Phone).Distinct().Count());
        Assert.Equal([131050, 131049, 130472, 131016], failures.Scripted.Select(s => s.Fault.MetaCode));
    }

    private FailedStatusOutcome Judge(IReadOnlySet<string>? unanswered = null)
    {
        using var attention = JsonDocument.Parse(new JsonObject { ["items"] = _attention.DeepClone() }.ToJsonString());
        return AsyncFailures.Judge(_accepted, _bookings, attention.RootElement.Clone(), Later, unanswered);
    }

    private void Accepted(string kind, DateTimeOffset at, WhatsAppFault? thenFailed = null) => _accepted.Add(new FakeWhatsAppRequest(
        at, "919100000001", $"turtle_{kind}", "en", [], $"{Id}:{kind}", 200, null, $"wamid.{Guid.NewGuid():N}", "{}") { LateFault = thenFailed });

    /// <summary>The booking as <c>GET /api/appointments/{id}</c> answers it, with only the fields the verdict reads.</summary>
    private void Booking(string status, params (string Kind, string State, string? LastError)[] notifications)
    {
        var view = new JsonObject
        {
            ["id"] = Id,
            ["status"] = status,
            ["notifications"] = new JsonArray([.. notifications.Select(n => new JsonObject
            {
                ["kind"] = n.Kind,
                ["state"] = n.State,
                ["lastError"] = n.LastError,
            })]),
        };
        using var document = JsonDocument.Parse(view.ToJsonString());
        _bookings[Id] = document.RootElement.Clone();
    }

    private void Listed(string detail) => _attention.Add(new JsonObject
    {
        ["appointmentId"] = Id,
        ["reason"] = "message-failed",
        ["detail"] = detail,
        ["kind"] = detail.Split(':')[0],
    });
}
