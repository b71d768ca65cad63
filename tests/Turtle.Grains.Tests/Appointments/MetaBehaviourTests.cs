using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>A cluster of its own: these tests revoke the access token, which every booking on a silo feels.</summary>
public sealed class MetaBehaviourClusterFixture : TurtleClusterFixture
{
    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WhatsApp:AccessTokenProbeInterval"] = "00:00:03",
        ["Notifications:HeldRecheckInterval"] = "00:00:01",
    };
}

public class MetaBehaviourTests(MetaBehaviourClusterFixture fixture) : IClassFixture<MetaBehaviourClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    [Fact]
    public async Task RefusedTokenHoldsMessagesWithoutAStormAndSendsThemOnceItWorksAgain()
    {
        fixture.WhatsApp.RevokeToken();
        var bookings = Enumerable.Range(0, 5).Select(_ => Bookings.New(TimeSpan.FromDays(3))).ToList();
        try
        {
            foreach (var booking in bookings)
            {
                await Grain(booking).BookAsync(booking);
            }
            await Task.Delay(TimeSpan.FromSeconds(7));

            var refused = fixture.WhatsApp.Requests.Count(r => bookings.Any(b => r.To == b.Phone!.TrimStart('+')));
            // A probe is a real send of a held message: caught mid-probe, the message reads Sending until Meta refuses it again.
            var held = await WaitForStateAsync(bookings[^1], NotificationKind.Confirmation, NotificationState.Pending, TimeSpan.FromSeconds(5));
            Turtle.Testing.Figures.Record($"grain: refused token, 5 bookings over 7 s -> {refused} requests to Meta (one probe per 3 s)");
            // The first send learns the token is refused; after it, one probe per interval, not one request per message.
            Assert.InRange(refused, 1, 4);
            Assert.Contains("190", held.LastError, StringComparison.Ordinal);
        }
        finally
        {
            fixture.WhatsApp.RestoreToken();
        }

        foreach (var booking in bookings)
        {
            await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation) && r.MessageId is not null, 1, Wait);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.All(bookings, b => Assert.Single(fixture.WhatsApp.Accepted, r => r.BizOpaqueCallbackData == Bookings.Tag(b, NotificationKind.Confirmation)));
        var sent = (await Grain(bookings[0]).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, sent.State);
        Assert.Equal(1, sent.Attempts);
    }

    [Fact]
    public async Task BillingLapseHoldsEveryMessageWithMetasCodeAndSendsEachOnceWhenMetaAcceptsAgain()
    {
        fixture.WhatsApp.RefuseAccount(WhatsAppFault.PaymentIssue);
        var bookings = Enumerable.Range(0, 3).Select(_ => Bookings.New(TimeSpan.FromDays(3))).ToList();
        try
        {
            foreach (var booking in bookings)
            {
                await Grain(booking).BookAsync(booking);
            }
            await Task.Delay(TimeSpan.FromSeconds(4));
            foreach (var booking in bookings)
            {
                var held = await WaitForStateAsync(booking, NotificationKind.Confirmation, NotificationState.Pending, TimeSpan.FromSeconds(5));
                Assert.Contains("131042", held.LastError, StringComparison.Ordinal);
            }
            Assert.DoesNotContain(fixture.WhatsApp.Accepted, r => bookings.Any(b => r.BizOpaqueCallbackData == Bookings.Tag(b, NotificationKind.Confirmation)));
        }
        finally
        {
            fixture.WhatsApp.RestoreAccount();
        }

        foreach (var booking in bookings)
        {
            await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation) && r.MessageId is not null, 1, Wait);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.All(bookings, b => Assert.Single(fixture.WhatsApp.Accepted, r => r.BizOpaqueCallbackData == Bookings.Tag(b, NotificationKind.Confirmation)));
        foreach (var booking in bookings)
        {
            Assert.DoesNotContain((await Grain(booking).GetAsync())!.Notifications, n => n.State == NotificationState.Failed);
        }
    }

    [Fact]
    public async Task StopFromTheWaIdMetaAnsweredSilencesTheNumberSentTo()
    {
        var first = Bookings.New(TimeSpan.FromDays(3));
        var waId = "55119" + first.Phone![^8..];
        fixture.WhatsApp.KnowAs(first.Phone!, waId);
        await Grain(first).BookAsync(first);
        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(first, NotificationKind.Confirmation), 1, Wait);

        // The client writes STOP; Meta reports it from the wa_id, not from the number Turtle sent to.
        await fixture.Grains.GetGrain<IRecipientGrain>("+" + waId).OptOutAsync();
        var second = Bookings.New(TimeSpan.FromDays(4)) with { Phone = first.Phone };
        await Grain(second).BookAsync(second);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(second, NotificationKind.Confirmation));
        Assert.Equal(NotificationState.OptedOut, (await Grain(second).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation).State);
    }

    [Fact]
    public async Task MessageHeldForQualityAssessmentSaysSo()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        fixture.WhatsApp.HoldForQuality(booking.Phone!);

        await Grain(booking).BookAsync(booking);

        var confirmation = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, confirmation.State);
        Assert.Equal("held_for_quality_assessment", confirmation.MetaStatus);
    }

    [Fact]
    public async Task SlowFirstSendIsAnsweredInTimeStoredClaimedAndRecordedWhenMetaAnswers()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        fixture.WhatsApp.StallNext(booking.Phone!, TimeSpan.FromSeconds(11));

        var started = DateTimeOffset.UtcNow;
        var result = await Grain(booking).BookAsync(booking);
        var answered = DateTimeOffset.UtcNow - started;
        var stored = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);

        Assert.True(result.Changed);
        Assert.InRange(answered, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(9));
        Assert.Equal(NotificationState.Sending, stored.State);
        var sent = await WaitForStateAsync(booking, NotificationKind.Confirmation, NotificationState.Sent, Wait);
        Assert.StartsWith("wamid.", sent.MessageId, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
    }

    [Fact]
    public async Task ConfirmationCancelledWhileMetaIsSlowIsNotTriedAgainWhenMetaThenFails()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        fixture.WhatsApp.FailNext(booking.Phone!, WhatsAppFault.Slow(TimeSpan.FromSeconds(10)));

        // Answered after 7 s with the confirmation claimed; the cancel comes while Meta still holds the request.
        await Grain(booking).BookAsync(booking);
        await Grain(booking).CancelAsync(Bookings.Cancel(booking));

        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Cancellation) && r.MessageId is not null, 1, Wait);
        // Meta's 500 came 10 s after the request; a retry would come 1-2 s after it.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
        var confirmation = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Cancelled, confirmation.State);
    }

    [Fact]
    public async Task StatusOfAClaimedMessageWhoseAnswerIsLostRecordsItSentAndItIsNotSentAgain()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        // Meta takes the request and answers after 20 s: past WhatsApp:RequestTimeout (15 s), so the answer is lost.
        fixture.WhatsApp.StallNext(booking.Phone!, TimeSpan.FromSeconds(20));
        await Grain(booking).BookAsync(booking);
        var taken = Assert.Single(fixture.WhatsApp.Accepted, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));

        // Meta's sent status names the message by its callback data, with the id the lost answer held.
        await Grain(booking).ApplyDeliveryStatusAsync(SentStatus(taken));
        var recorded = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, recorded.State);
        Assert.Equal(taken.MessageId, recorded.MessageId);

        // The request times out 15 s after it went; a retry would come 1-2 s after that.
        await Task.Delay(TimeSpan.FromSeconds(12));
        Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
        var after = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, after.State);
        Assert.Equal(taken.MessageId, after.MessageId);
        Assert.Equal(1, after.Attempts);
    }

    [Fact]
    public async Task SendWhoseAnswerTimedOutStaysClaimedAndMetasLateStatusRecordsItSentOnce()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        // Meta takes the request and never answers within WhatsApp:RequestTimeout (15 s).
        fixture.WhatsApp.StallNext(booking.Phone!, TimeSpan.FromSeconds(40));
        await Grain(booking).BookAsync(booking);
        var taken = Assert.Single(fixture.WhatsApp.Accepted, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));

        // Past the timeout and past the 1-2 s a retry of a refused send would wait: no second request, still claimed.
        await Task.Delay(TimeSpan.FromSeconds(19));
        var waiting = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sending, waiting.State);
        Assert.Contains("Waiting for Meta's status", waiting.LastError, StringComparison.Ordinal);
        Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));

        Assert.True(await Grain(booking).ApplyDeliveryStatusAsync(SentStatus(taken)));
        var recorded = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, recorded.State);
        Assert.Equal(taken.MessageId, recorded.MessageId);
        Assert.Equal(1, recorded.Attempts);
    }

    [Fact]
    public async Task AnAttemptWhoseAnswerNeverCameIsInTheRecordAsUnansweredWhenItsMessageWasWithdrawnWhileItWaited()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        // Meta takes the confirmation and does not answer within WhatsApp:RequestTimeout (15 s); the cancel comes meanwhile.
        fixture.WhatsApp.StallNext(booking.Phone!, TimeSpan.FromSeconds(40));
        await Grain(booking).BookAsync(booking);
        await Grain(booking).CancelAsync(Bookings.Cancel(booking));

        var confirmation = await RecordedAsync(booking, NotificationKind.Confirmation, TimeSpan.FromSeconds(45));
        Assert.Equal((RecordSendStatus.Unanswered, null), (confirmation.Status, confirmation.MessageId));
    }

    [Fact]
    public async Task AClaimALostActivationLeftIsInTheRecordAsUnansweredWhenTheNextOneWithdrawsItsMessage()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        fixture.WhatsApp.StallNext(booking.Phone!, TimeSpan.FromSeconds(40));
        await Grain(booking).BookAsync(booking);
        // Gone with its request still at Meta, as with its silo: the next activation finds the confirmation claimed.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        await Grain(booking).CancelAsync(Bookings.Cancel(booking));

        var confirmation = await RecordedAsync(booking, NotificationKind.Confirmation, Wait);
        Assert.Equal(RecordSendStatus.Unanswered, confirmation.Status);
    }

    [Fact]
    public async Task ConfirmationMetaTookBeforeTheBookingsFirstWriteIsNotSentAgainByTheWebhooksRetry()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        // The first activation sent the confirmation and its silo died before the booking's first write; Meta's sent
        // status (callback data <id>:Confirmation) comes before Calendly's retry of the webhook.
        Assert.True(await Grain(booking).ApplyDeliveryStatusAsync(new DeliveryStatusUpdate
        {
            Kind = NotificationKind.Confirmation,
            MessageId = "wamid.before-first-write",
            Status = DeliveryStatus.Sent,
            At = DateTimeOffset.UtcNow,
        }));
        Assert.Null(await Grain(booking).GetAsync());
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        await Grain(booking).BookAsync(booking);

        var confirmation = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, confirmation.State);
        Assert.Equal("wamid.before-first-write", confirmation.MessageId);
        Assert.Equal(1, confirmation.Attempts);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation));
    }

    [Fact]
    public async Task StatusNamingNoMessageOfTheBookingIsNotItsToApply()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        await Grain(booking).BookAsync(booking);

        Assert.False(await Grain(booking).ApplyDeliveryStatusAsync(new DeliveryStatusUpdate
        {
            MessageId = "wamid.someone-elses",
            Status = DeliveryStatus.Failed,
            At = DateTimeOffset.UtcNow,
            ErrorCode = 131026,
        }));
        var confirmation = (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == NotificationKind.Confirmation);
        Assert.Equal(NotificationState.Sent, confirmation.State);
    }

    /// <summary>Meta's sent status of a confirmation, naming it by its callback data, with the id Meta gave it.</summary>
    private static DeliveryStatusUpdate SentStatus(FakeWhatsAppRequest taken) => new()
    {
        Kind = NotificationKind.Confirmation,
        MessageId = taken.MessageId!,
        Status = DeliveryStatus.Sent,
        At = taken.ReceivedAt,
    };

    private async Task<NotificationView> WaitForStateAsync(BookingDetails booking, NotificationKind kind, NotificationState state, TimeSpan timeout)
    {
        var entry = await Eventually.ReadAsync(async () => (await Grain(booking).GetAsync())!.Notifications.Single(n => n.Kind == kind), e => e.State == state, timeout);
        Assert.Equal(state, entry.State);
        return entry;
    }

    private async Task<RecordEntry> RecordedAsync(BookingDetails booking, NotificationKind kind, TimeSpan wait)
    {
        var record = fixture.Grains.GetGrain<IClientRecordGrain>(booking.Phone!);
        var entries = await Eventually.ReadAsync(() => record.ReadAsync(null, null), e => e.Any(x => x.Direction == RecordDirections.Out && x.Kind == kind.ToString()), wait);
        return Assert.Single(entries, e => e.Direction == RecordDirections.Out && e.Kind == kind.ToString());
    }
}
