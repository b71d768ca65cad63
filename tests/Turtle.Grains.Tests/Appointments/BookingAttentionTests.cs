using Turtle.Grains.Appointments;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>The attention reasons a booking's own state shows, and when a failed message may be sent again.</summary>
public class BookingAttentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static AppointmentState Booking(AppointmentStatus status = AppointmentStatus.Booked, string? phone = "+919876543210", TimeSpan? startIn = null) => new()
    {
        Status = status,
        Details = new BookingDetails
        {
            InviteeId = "inv-1",
            InviteeUri = "https://api.calendly.com/scheduled_events/E/invitees/inv-1",
            ClientName = "Asha Rao",
            Phone = phone,
            StartTime = Now + (startIn ?? TimeSpan.FromDays(2)),
        },
        Notifications =
        [
            new() { Kind = NotificationKind.Confirmation, DueAt = Now, State = NotificationState.Sent, SentAt = Now },
            new() { Kind = NotificationKind.AdvisorBio, DueAt = Now + TimeSpan.FromDays(1), State = NotificationState.Pending },
        ],
    };

    private static Notification Confirmation(AppointmentState booking) => booking.Notifications[0];

    private static void Fail(Notification message, DateTimeOffset at)
    {
        message.State = NotificationState.Failed;
        message.FailedAt = at;
        message.LastError = "131026: (#131026) Message undeliverable";
    }

    [Fact]
    public void BookingWithPhoneAdvisorAndSentMessagesNeedsNobody()
    {
        var booking = Booking();

        Assert.False(BookingAttention.Review(booking, Now));
        Assert.Empty(booking.Attention);
    }

    [Fact]
    public void NoPhoneIsRaisedOnceAndKeepsItsTimeAcrossReviews()
    {
        var booking = Booking(AppointmentStatus.NoPhone, phone: null);

        Assert.True(BookingAttention.Review(booking, Now));
        booking.Attention[0].Told = true;
        Assert.False(BookingAttention.Review(booking, Now + TimeSpan.FromHours(1)));

        var mark = Assert.Single(booking.Attention);
        Assert.Equal(AttentionReasonCodes.NoPhone, mark.Reason);
        Assert.Equal(Now, mark.Since);
    }

    [Fact]
    public void NoAdvisorIsClearedWhenOneIsAssigned()
    {
        var booking = Booking(AppointmentStatus.NoAdvisor);
        BookingAttention.Review(booking, Now);
        booking.Attention[0].Told = true;

        booking.Status = AppointmentStatus.Booked;

        Assert.True(BookingAttention.Review(booking, Now));
        var mark = Assert.Single(booking.Attention);
        Assert.Equal(AttentionReasonCodes.NoAdvisor, mark.Reason);
        Assert.False(mark.Holds);
        Assert.False(mark.Told);
    }

    [Fact]
    public void FailedMessageIsListedWithItsKindUntilTheRetryIsSent()
    {
        var booking = Booking();
        var failedAt = Now + TimeSpan.FromMinutes(1);
        Fail(Confirmation(booking), failedAt);

        BookingAttention.Review(booking, Now + TimeSpan.FromMinutes(2));
        var mark = Assert.Single(booking.Attention);
        Assert.Equal(AttentionReasonCodes.MessageFailed, mark.Reason);
        Assert.Equal(failedAt, mark.Since);
        Assert.Equal(NotificationKind.Confirmation, mark.Kind);
        Assert.Contains("131026", mark.Detail, StringComparison.Ordinal);
        mark.Told = true;

        // Sent again but not out yet: still listed, unchanged.
        MessageRetry.Requeue(Confirmation(booking), BookingSources.Console, Now + TimeSpan.FromMinutes(3));
        Assert.False(BookingAttention.Review(booking, Now + TimeSpan.FromMinutes(3)));
        Assert.True(mark.Holds);

        Confirmation(booking).State = NotificationState.Sent;
        Assert.True(BookingAttention.Review(booking, Now + TimeSpan.FromMinutes(4)));
        Assert.False(mark.Holds);
    }

    [Fact]
    public void AFailureAfterMetaAcceptedTheMessageCountsAndANewFailureIsANewOccurrence()
    {
        var booking = Booking();
        var confirmation = Confirmation(booking);
        confirmation.DeliveryStatus = DeliveryStatus.Failed;
        confirmation.FailedAt = Now;
        BookingAttention.Review(booking, Now);
        var first = Assert.Single(booking.Attention).Since;

        Fail(booking.Notifications[1], Now + TimeSpan.FromHours(3));
        BookingAttention.Review(booking, Now + TimeSpan.FromHours(3));

        var mark = Assert.Single(booking.Attention);
        Assert.Equal(Now, first);
        Assert.Equal(Now + TimeSpan.FromHours(3), mark.Since);
        Assert.Equal(NotificationKind.AdvisorBio, mark.Kind);
    }

    [Fact]
    public void CancellingClearsWhatTheMeetingNeededButNotAFailedCancellation()
    {
        var booking = Booking(AppointmentStatus.NoAdvisor);
        Fail(Confirmation(booking), Now);
        BookingAttention.Review(booking, Now);
        Assert.Equal(2, booking.Attention.Count);

        booking.Status = AppointmentStatus.Cancelled;
        var cancellation = new Notification { Kind = NotificationKind.Cancellation, DueAt = Now + TimeSpan.FromHours(1) };
        Fail(cancellation, Now + TimeSpan.FromHours(1));
        booking.Notifications.Add(cancellation);
        BookingAttention.Review(booking, Now + TimeSpan.FromHours(1));

        Assert.False(booking.Attention.Single(m => m.Reason == AttentionReasonCodes.NoAdvisor).Holds);
        var failed = booking.Attention.Single(m => m.Reason == AttentionReasonCodes.MessageFailed);
        Assert.True(failed.Holds);
        Assert.Equal(NotificationKind.Cancellation, failed.Kind);
        Assert.DoesNotContain("Confirmation", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AMessageWithheldFromAnOptedOutNumberIsListed()
    {
        var booking = Booking();
        Confirmation(booking).State = NotificationState.OptedOut;

        BookingAttention.Review(booking, Now);

        Assert.Equal(AttentionReasonCodes.OptedOut, Assert.Single(booking.Attention).Reason);
    }

    [Fact]
    public void RaisingTheSameOccurrenceAgainChangesNothingAndReasonsOthersRaiseAreLeftAlone()
    {
        var booking = Booking();
        Assert.True(BookingAttention.Raise(booking, AttentionReasonCodes.ClientReplied, Now, "“Can we move it?”"));
        booking.Attention[0].Told = true;

        Assert.False(BookingAttention.Raise(booking, AttentionReasonCodes.ClientReplied, Now, "“Can we move it?”"));
        Assert.False(BookingAttention.Review(booking, Now));
        Assert.True(booking.Attention[0].Holds);
        Assert.True(BookingAttention.Clear(booking, AttentionReasonCodes.ClientReplied));
        Assert.True(BookingAttention.Owed(booking));
    }

    [Fact]
    public void RetryTakesTheFailedMessageBeforeTheMeetingOnly()
    {
        var booking = Booking(startIn: TimeSpan.FromHours(1));
        Assert.Equal(RetryOutcome.NotFailed, MessageRetry.Decide(booking, NotificationKind.Confirmation, Now).Refusal!.Outcome);
        Assert.Equal(RetryOutcome.NotFailed, MessageRetry.Decide(booking, NotificationKind.Reminder, Now).Refusal!.Outcome);

        Fail(Confirmation(booking), Now);
        var (entry, refusal) = MessageRetry.Decide(booking, NotificationKind.Confirmation, Now);
        Assert.Null(refusal);
        Assert.Same(Confirmation(booking), entry);
        Assert.Equal(RetryOutcome.MeetingStarted, MessageRetry.Decide(booking, NotificationKind.Confirmation, Now + TimeSpan.FromHours(1)).Refusal!.Outcome);

        booking.Status = AppointmentStatus.Cancelled;
        Assert.Equal(RetryOutcome.BookingCancelled, MessageRetry.Decide(booking, NotificationKind.Confirmation, Now).Refusal!.Outcome);
        Assert.Equal(RetryOutcome.NotFound, MessageRetry.Decide(new AppointmentState(), NotificationKind.Confirmation, Now).Refusal!.Outcome);
    }

    [Fact]
    public void ARequeuedMessageIsDueNowAsANewMessageAndSaysWhoAskedForIt()
    {
        var message = new Notification
        {
            Kind = NotificationKind.Confirmation, DueAt = Now, State = NotificationState.Sent, MessageId = "wamid.1",
            DeliveryStatus = DeliveryStatus.Failed, SentAt = Now, FailedAt = Now,
        };

        MessageRetry.Requeue(message, BookingSources.Console, Now + TimeSpan.FromHours(1));

        Assert.Equal(NotificationState.Pending, message.State);
        Assert.Equal(Now + TimeSpan.FromHours(1), message.NextAttemptAt);
        Assert.Null(message.MessageId);
        Assert.Equal(DeliveryStatus.None, message.DeliveryStatus);
        Assert.Equal(Now + TimeSpan.FromHours(1), message.RetriedAt);
        Assert.Equal(BookingSources.Console, message.RetriedBy);
        Assert.Equal(Now, message.DueAt);
    }
}
