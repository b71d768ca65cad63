using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Turtle.Grains.Advisors;
using Turtle.Grains.Messaging;
using Turtle.Grains.Telemetry;

namespace Turtle.Grains.Appointments;

/// <summary>
/// Sends whatever of a booking's messages is due, each by the same path: gate (may it go at all?) → its number's send
/// slot → claim (persisted before the request) → send → record. One per booking activation: it remembers the send slots
/// the booking reserved and waits for.
/// </summary>
public sealed partial class MessageDispatcher(
    IGrainFactory grains,
    IWhatsAppSender sender,
    MessageRules rules,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<MessageDispatcher> logger)
{
    /// <summary>
    /// A slot this close is taken now: the recipient grain's clock (another silo's, perhaps) read it a moment ago, and its
    /// spacing carries a second of slack for exactly that.
    /// </summary>
    private static readonly TimeSpan SlotTolerance = TimeSpan.FromMilliseconds(250);

    /// <summary>Send slots reserved with a number's recipient grain and not used yet.</summary>
    private readonly Dictionary<string, DateTimeOffset> _reserved = new(StringComparer.Ordinal);

    /// <summary>Sends still waiting for Meta's answer after the caller had to be answered; their outcome is recorded when it comes.</summary>
    private readonly List<(Notification Entry, Task<SendOutcome> Send)> _inFlight = [];

    /// <summary>Called (on the booking's scheduler) when a send left in flight gets its answer: the booking wakes to record it.</summary>
    public Action OutcomeArrived { get; set; } = () => { };

    private IAdvisorLookupGrain Advisors => grains.GetGrain<IAdvisorLookupGrain>(0);

    /// <param name="appointmentId">The booking's id.</param>
    /// <param name="booking">Its state; entries are updated in place.</param>
    /// <param name="writer">Persists claims and outcomes.</param>
    /// <param name="answerBy">
    /// When the caller must have its answer (a webhook): no message is started after it, and a send still waiting for
    /// Meta then is left in flight, claimed, its outcome recorded when it arrives.
    /// </param>
    public async Task DispatchAsync(string appointmentId, AppointmentState booking, BookingWriter writer, DateTimeOffset? answerBy = null)
    {
        await RecordLateOutcomesAsync(appointmentId, booking, writer);
        while (time.GetUtcNow() < (answerBy ?? DateTimeOffset.MaxValue) && rules.NextDue(booking.Notifications, time.GetUtcNow()) is { } entry)
        {
            if (!await DispatchAsync(appointmentId, booking, entry, writer, answerBy))
            {
                return;
            }
        }
    }

    /// <summary>Applies and records the answers that arrived for sends left in flight.</summary>
    private async Task RecordLateOutcomesAsync(string appointmentId, AppointmentState booking, BookingWriter writer)
    {
        foreach (var (entry, send) in _inFlight.Where(f => f.Send.IsCompleted).ToList())
        {
            _inFlight.Remove((entry, send));
            await RecordAsync(appointmentId, booking, entry, await send, writer);
        }
    }

    /// <returns>False when the caller's deadline came first and a send is left in flight.</returns>
    private async Task<bool> DispatchAsync(string appointmentId, AppointmentState booking, Notification entry, BookingWriter writer, DateTimeOffset? answerBy)
    {
        var details = booking.Details!;
        var now = time.GetUtcNow();
        var gate = MessageRules.Gate(entry, details, booking.Advisor is not null, now);
        if (gate == GateDecision.NeedsAdvisor && await AssignAdvisorAsync(appointmentId, booking))
        {
            gate = MessageRules.Gate(entry, details, hasAdvisor: true, now);
        }
        switch (gate)
        {
            case GateDecision.Skipped:
                TurtleMetrics.Message(entry.Kind, MessageOutcome.Skipped);
                LogOutcome(logger, appointmentId, entry.Kind, entry.State, entry.Attempts, entry.LastError);
                await writer.RecordAsync(sent: false);
                return true;
            case GateDecision.NeedsAdvisor:
                rules.WaitForAdvisor(entry, now);
                return true;
        }

        var to = details.Phone!;
        var slot = await SlotAsync(to, now);
        if (slot.OptedOut)
        {
            entry.State = NotificationState.OptedOut;
            entry.LastError = "the number opted out (STOP)";
            TurtleMetrics.Message(entry.Kind, MessageOutcome.OptedOut);
            await writer.RecordAsync(sent: false);
            return true;
        }
        now = time.GetUtcNow();
        if (slot.At - now > SlotTolerance)
        {
            // Another message went to this number moments ago: this one waits for its turn (Meta's pair rate limit).
            entry.NextAttemptAt = slot.At;
            return true;
        }

        if (sender.HoldReason() is { } held)
        {
            // Nothing can be sent at all now (the access token): the message waits, unclaimed, and costs no write.
            rules.Hold(entry, held, now);
            return true;
        }

        MessageRules.Claim(entry, now);
        try
        {
            await writer.ClaimAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation of this booking wrote first: it owns the send. Step aside.
            LogLostClaim(logger, appointmentId, entry.Kind);
            throw;
        }
        var sending = SendAsync(appointmentId, booking, entry);
        if (answerBy is { } deadline && !sending.IsCompleted)
        {
            var wait = deadline - time.GetUtcNow();
            if (wait <= TimeSpan.Zero || await Task.WhenAny(sending, Task.Delay(wait, time)) != sending)
            {
                // Answer the caller now with this message stored as claimed; record what Meta says when it says it.
                _inFlight.Add((entry, sending));
                _ = sending.ContinueWith(_ => OutcomeArrived(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current);
                LogLeftInFlight(logger, appointmentId, entry.Kind);
                return false;
            }
        }
        await RecordAsync(appointmentId, booking, entry, await sending, writer);
        return true;
    }

    private async Task RecordAsync(string appointmentId, AppointmentState booking, Notification entry, SendOutcome outcome, BookingWriter writer)
    {
        var now = time.GetUtcNow();
        rules.Apply(entry, outcome, booking.Details!, now, Random.Shared);
        Count(entry, now);
        LogOutcome(logger, appointmentId, entry.Kind, entry.State, entry.Attempts, entry.LastError);
        await writer.RecordAsync(sent: true);
        var to = booking.Details!.Phone!;
        if (outcome.WaId is { Length: > 0 } waId && waId != PhoneMask.Digits(to))
        {
            // Meta knows this number by another id (Brazil, Mexico): its replies and STOP will come from that one.
            booking.ClientWaId = "+" + waId;
            await grains.GetGrain<IRecipientGrain>(to).KnownAsAsync(booking.ClientWaId);
        }
    }

    /// <summary>Counts an attempt's outcome (in-process counters only: no storage, no grain call).</summary>
    private static void Count(Notification entry, DateTimeOffset now)
    {
        switch (entry.State)
        {
            case NotificationState.Sent:
                TurtleMetrics.Message(entry.Kind, MessageOutcome.Sent);
                if (entry.RetriedAt is null)
                {
                    // A message a person sent again is late by their choice, not the system's.
                    TurtleMetrics.Lateness(entry.Kind, now - entry.DueAt);
                }
                break;
            case NotificationState.DryRun:
                TurtleMetrics.Message(entry.Kind, MessageOutcome.DryRun);
                break;
            case NotificationState.Failed:
                TurtleMetrics.Message(entry.Kind, MessageOutcome.Failed);
                break;
            case NotificationState.Pending:
                TurtleMetrics.Message(entry.Kind, MessageOutcome.Retried);
                break;
        }
    }

    /// <summary>The slot this booking reserved earlier and whose time has come, else a new reservation.</summary>
    private async Task<SendSlot> SlotAsync(string to, DateTimeOffset now)
    {
        if (_reserved.TryGetValue(to, out var reserved))
        {
            if (reserved - now > SlotTolerance)
            {
                return new SendSlot(OptedOut: false, reserved);
            }
            _reserved.Remove(to);
            // A slot long past may have been followed by others' slots: only a recent one is still this booking's turn.
            if (now - reserved < options.Value.RecipientSpacing)
            {
                return new SendSlot(OptedOut: false, now);
            }
        }
        var slot = await grains.GetGrain<IRecipientGrain>(to).ReserveSendSlotAsync();
        if (!slot.OptedOut && slot.At - time.GetUtcNow() > SlotTolerance)
        {
            _reserved[to] = slot.At;
        }
        return slot;
    }

    /// <summary>A booking stored without an advisor asks again when a message needs one: the sheet may have gained one.</summary>
    private async Task<bool> AssignAdvisorAsync(string appointmentId, AppointmentState booking)
    {
        var details = booking.Details!;
        var assignment = await Advisors.AssignAsync(new AssignmentRequest
        {
            AppointmentId = appointmentId,
            HostEmails = details.HostEmails,
            HostUserUris = details.HostUserUris,
            StartTime = details.StartTime,
        });
        if (assignment.Advisor is null)
        {
            return false;
        }
        booking.Advisor = assignment.Advisor;
        booking.AssignmentReason = assignment.Reason;
        if (booking.Status == AppointmentStatus.NoAdvisor)
        {
            booking.Status = AppointmentStatus.Booked;
        }
        LogAssignedLate(logger, appointmentId, assignment.Reason);
        return true;
    }

    private async Task<SendOutcome> SendAsync(string appointmentId, AppointmentState booking, Notification entry)
    {
        var advisor = booking.Advisor;
        if (entry.Kind == NotificationKind.AdvisorBio && advisor is not null)
        {
            // The sheet may have been edited since booking: the bio sent is the one there now.
            advisor = await Advisors.FindAsync(advisor.Email) ?? advisor;
        }
        try
        {
            return await sender.SendAsync(new OutgoingMessage(appointmentId, entry.Kind, booking.Details!, advisor), CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new SendOutcome(SendResult.Transient, ErrorText: e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} {Kind}: {State} after {Attempts} attempt(s) {Error}")]
    private static partial void LogOutcome(ILogger logger, string id, NotificationKind kind, NotificationState state, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} {Kind}: another activation claimed the send first; this one steps aside")]
    private static partial void LogLostClaim(ILogger logger, string id, NotificationKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} {Kind}: Meta has not answered yet; the booking is stored with it claimed and its outcome will be recorded when it comes")]
    private static partial void LogLeftInFlight(ILogger logger, string id, NotificationKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id}: advisor assigned after booking ({Reason})")]
    private static partial void LogAssignedLate(ILogger logger, string id, string reason);
}
