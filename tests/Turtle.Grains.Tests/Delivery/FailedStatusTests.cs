using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Delivery;

/// <summary>A failure Meta reports after accepting a message (a <c>failed</c> status), as SPEC §6 classifies it.</summary>
public class FailedStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly Random Chance = new(7);
    private static readonly SendRules Rules = new(Options.Create(new NotificationOptions
    {
        RetryBaseDelay = TimeSpan.FromSeconds(30),
        MaxAttempts = 5,
    }));

    private static Notification Accepted(string messageId = "wamid.A") => new()
    {
        Kind = NotificationKind.Reminder,
        DueAt = Now - TimeSpan.FromMinutes(5),
        State = NotificationState.Sent,
        Attempts = 1,
        MessageId = messageId,
        SentAt = Now - TimeSpan.FromMinutes(5),
        DeliveryStatus = DeliveryStatus.Failed,
    };

    private static DeliveryStatusUpdate Failed(string messageId, int code, string text) => new()
    {
        MessageId = messageId,
        Status = DeliveryStatus.Failed,
        At = Now,
        ErrorCode = code,
        ErrorText = text,
    };

    [Fact]
    public void UndeliverableFailsWithMetasCodeAndNeverShowsSent()
    {
        var entry = Accepted();

        Rules.ApplyFailedStatus(entry, 131026, "Message undeliverable", sendBy: null, Now, Chance);

        Assert.Equal(NotificationState.Failed, entry.State);
        Assert.True(entry.IsFailed);
        Assert.Equal(Now, entry.FailedAt);
        Assert.StartsWith("131026: Message undeliverable", entry.LastError, StringComparison.Ordinal);
        Assert.Contains("wamid.A", entry.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void PerUserMarketingLimitWaitsADayThenGetsOneRetryOnly()
    {
        var entry = Accepted();

        Rules.ApplyFailedStatus(entry, 131049, "This message was not delivered to maintain healthy ecosystem engagement.", sendBy: null, Now, Chance);

        Assert.Equal(NotificationState.Pending, entry.State);
        Assert.Equal(Now + TimeSpan.FromHours(24), entry.NextAttemptAt);
        Assert.True(entry.FailedAtMeta);
        Assert.Null(entry.MessageId);
        Assert.Equal(DeliveryStatus.None, entry.DeliveryStatus);
        Assert.Contains("marketing", entry.LastError, StringComparison.Ordinal);
        Assert.Null(Rules.NextDue([entry], Now + TimeSpan.FromHours(23)));
        Assert.Same(entry, Rules.NextDue([entry], Now + TimeSpan.FromHours(24)));

        // The one retry went, and Meta held it back again: failed for good.
        SendRules.Claim(entry, Now + TimeSpan.FromHours(24));
        Rules.Apply(entry, SendOutcome.Accepted("wamid.B"), sendBy: (DateTimeOffset?)null, Now + TimeSpan.FromHours(24), Chance);
        entry.DeliveryStatus = DeliveryStatus.Failed;
        Rules.ApplyFailedStatus(entry, 131049, "Not delivered", sendBy: null, Now + TimeSpan.FromHours(25), Chance);

        Assert.Equal(NotificationState.Failed, entry.State);
        Assert.Contains("131049", entry.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void PerUserMarketingLimitFailsWhenADaysWaitWouldComeTooLate()
    {
        var entry = Accepted();

        Rules.ApplyFailedStatus(entry, 131049, "Not delivered", Deadline.Until(Now + TimeSpan.FromHours(2)), Now, Chance);

        Assert.Equal(NotificationState.Failed, entry.State);
    }

    [Fact]
    public void MarketingStoppedFailsAndSaysTheTemplateIsTreatedAsMarketing()
    {
        var entry = Accepted();

        Rules.ApplyFailedStatus(entry, 131050, "Unable to deliver the message", sendBy: null, Now, Chance);

        Assert.Equal(NotificationState.Failed, entry.State);
        Assert.Contains("stopped marketing messages", entry.LastError, StringComparison.Ordinal);
        Assert.Contains("Utility", entry.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryableFailureIsTriedAgainAsANewMessage()
    {
        var entry = Accepted();

        Rules.ApplyFailedStatus(entry, 131000, "Something went wrong", sendBy: null, Now, Chance);

        Assert.Equal(NotificationState.Pending, entry.State);
        Assert.InRange(entry.NextAttemptAt!.Value, Now + TimeSpan.FromSeconds(15), Now + TimeSpan.FromSeconds(30));
        Assert.Null(entry.MessageId);
        Assert.True(entry.FailedAtMeta);
    }

    [Fact]
    public void FailedStatusWithoutCallbackDataFindsItsMessageByMetasIdAlone()
    {
        var other = Accepted("wamid.OTHER");
        var entry = Accepted("wamid.MINE");
        entry.DeliveryStatus = DeliveryStatus.Sent;

        var found = DeliveryProgress.Find([other, entry], Failed("wamid.MINE", 131026, "Message undeliverable"));

        Assert.Same(entry, found);
        Assert.True(DeliveryProgress.Apply(entry, Failed("wamid.MINE", 131026, "Message undeliverable")));
        Assert.Null(DeliveryProgress.Find([other, entry], Failed("wamid.NOBODYS", 131026, "Message undeliverable")));
    }

    [Fact]
    public void FailedStatusWithoutCallbackDataFindsTheOneSendWhoseAnswerNeverCame()
    {
        var sent = Accepted("wamid.SENT");
        var unanswered = new Notification { Kind = NotificationKind.Reconfirm, DueAt = Now };
        SendRules.Claim(unanswered, Now);

        var adopted = DeliveryProgress.AdoptUnanswered([sent, unanswered], Failed("wamid.LOST", 131049, "Not delivered"));

        Assert.Same(unanswered, adopted);
        Assert.Equal("wamid.LOST", unanswered.MessageId);
        // Two sends waiting for their answer: a status naming neither by id nor by kind is neither's.
        var other = new Notification { Kind = NotificationKind.Reminder, DueAt = Now };
        SendRules.Claim(other, Now);
        var third = new Notification { Kind = NotificationKind.FollowUp, DueAt = Now };
        SendRules.Claim(third, Now);
        Assert.Null(DeliveryProgress.AdoptUnanswered([other, third], Failed("wamid.WHOSE", 131026, "Message undeliverable")));
    }

    [Fact]
    public void TimedOutSendStaysClaimedUntilTheSendTimeout()
    {
        var entry = new Notification { Kind = NotificationKind.Confirmation, DueAt = Now };
        SendRules.Claim(entry, Now);

        Rules.Apply(entry, new SendOutcome(SendResult.Unanswered, ErrorText: "WhatsApp API did not answer within 15 s."), sendBy: (DateTimeOffset?)null, Now + TimeSpan.FromSeconds(15), Chance);

        Assert.Equal(NotificationState.Sending, entry.State);
        Assert.Equal(Now, entry.ClaimedAt);
        Assert.Null(Rules.NextDue([entry], Now + TimeSpan.FromSeconds(119)));
        Assert.Same(entry, Rules.NextDue([entry], Now + TimeSpan.FromMinutes(2)));
    }
}
