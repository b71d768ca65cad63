using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Tests.Delivery;

/// <summary>
/// A claim whose send was interrupted (its silo died before Meta's answer) is due again after the send timeout; when that
/// new attempt has to wait, the message waits, claimed, rather than coming back due at once.
/// </summary>
public class InterruptedClaimTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly NotificationOptions Settings = new() { SendTimeout = TimeSpan.FromMinutes(2), HeldRecheckInterval = TimeSpan.FromMinutes(1) };
    private static readonly SendRules Rules = new(Options.Create(Settings));

    private static Notification Interrupted() => new()
    {
        Kind = NotificationKind.Reminder,
        DueAt = Now - TimeSpan.FromMinutes(10),
        State = NotificationState.Sending,
        Attempts = 1,
        ClaimedAt = Now - TimeSpan.FromMinutes(5),
    };

    [Fact]
    public void AnInterruptedClaimIsDueAgainAfterTheSendTimeout()
    {
        var entry = Interrupted();

        Assert.Same(entry, Rules.NextDue([entry], Now));
    }

    [Fact]
    public void AnInterruptedClaimWhoseTemplateIsPausedWaitsForTheRecheckInsteadOfStayingDue()
    {
        var entry = Interrupted();

        Rules.Hold(entry, "held: the template is paused", Now);

        Assert.Null(Rules.NextDue([entry], Now));
        Assert.Equal(Now + Settings.HeldRecheckInterval, Rules.NextWake([entry]));
        // Still claimed: Meta's status of the interrupted send still records it sent rather than a second send going.
        Assert.Equal(NotificationState.Sending, entry.State);
        Assert.NotNull(entry.ClaimedAt);
    }

    [Fact]
    public void AnInterruptedClaimWaitingForTheNumbersTurnIsDueAtThatTurn()
    {
        var entry = Interrupted();
        var turn = Now + TimeSpan.FromSeconds(6);

        entry.NextAttemptAt = turn;

        Assert.Null(Rules.NextDue([entry], Now));
        Assert.Same(entry, Rules.NextDue([entry], turn));
    }

    [Fact]
    public void AFreshClaimIsNotDueBeforeItsSendTimeoutWhateverItsLastWait()
    {
        var entry = Interrupted();
        entry.ClaimedAt = Now;
        entry.NextAttemptAt = Now - TimeSpan.FromMinutes(1);

        Assert.Null(Rules.NextDue([entry], Now + TimeSpan.FromMinutes(1)));
        Assert.Same(entry, Rules.NextDue([entry], Now + Settings.SendTimeout));
    }
}
