using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Telemetry;

namespace Turtle.Grains.Delivery;

/// <summary>
/// Sends whatever of a booking's messages is due, each by the same path: gate (may it go at all?) → its number's send
/// slot → claim (persisted before the request) → send → record. A message waiting for its number's slot (the client's, or
/// the advisor's with a queue of minutes) is only given that time as its next attempt; nothing here waits for a slot, so
/// the booking's messages to other numbers go on. One per booking activation: it keeps the sends left in flight.
/// Delivery is at least once: Meta has no idempotency key, so a message Meta took is sent again only when its silo died
/// before the outcome was recorded and before Meta's status about it arrived (the claim then times out after
/// <c>Notifications:SendTimeout</c>); a new booking's first messages, recorded by its first write, go again only when
/// that write never happened and Calendly delivers the webhook again (README, "Delivery is at least once").
/// </summary>
public sealed partial class MessageDispatcher(
    IGrainFactory grains,
    IWhatsAppSender sender,
    MessageRules rules,
    MessageRecipients recipients,
    TurtleClock time,
    ILogger<MessageDispatcher> logger)
{
    /// <summary>Sends still waiting for Meta's answer after the caller had to be answered; their outcome is recorded when it comes.</summary>
    private readonly List<(Notification Entry, string To, Task<SendOutcome> Send)> _inFlight = [];

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
    public async Task DispatchAsync(string appointmentId, AppointmentState booking, StateWriter writer, DateTimeOffset? answerBy = null)
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
    private async Task RecordLateOutcomesAsync(string appointmentId, AppointmentState booking, StateWriter writer)
    {
        foreach (var (entry, to, send) in _inFlight.Where(f => f.Send.IsCompleted).ToList())
        {
            _inFlight.Remove((entry, to, send));
            await RecordAsync(appointmentId, booking, entry, to, await send, writer);
        }
    }

    /// <returns>False when the caller's deadline came first and a send is left in flight.</returns>
    private async Task<bool> DispatchAsync(string appointmentId, AppointmentState booking, Notification entry, StateWriter writer, DateTimeOffset? answerBy)
    {
        var details = booking.Details!;
        var now = time.GetUtcNow();
        var gate = rules.Gate(entry, details, booking.Advisor is not null, now);
        if (gate == GateDecision.NeedsAdvisor && await AssignAdvisorAsync(appointmentId, booking))
        {
            gate = rules.Gate(entry, details, hasAdvisor: true, now);
        }
        switch (gate)
        {
            case GateDecision.Skipped:
                await SkippedAsync(appointmentId, booking, entry, writer);
                return true;
            case GateDecision.NeedsAdvisor:
                rules.WaitForAdvisor(entry, now);
                return true;
        }

        var recipient = await recipients.ResolveAsync(appointmentId, booking, entry);
        if (recipient.SkipReason is { } reason)
        {
            MessageRules.Skip(entry, reason);
            await SkippedAsync(appointmentId, booking, entry, writer);
            return true;
        }
        var to = recipient.To!;
        var slot = await grains.GetGrain<IRecipientGrain>(to).ReserveSendSlotAsync(holder: appointmentId);
        if (slot.OptedOut)
        {
            entry.State = NotificationState.OptedOut;
            entry.LastError = "the number opted out (STOP)";
            TurtleMetrics.Message(entry.Kind, MessageOutcome.OptedOut);
            BookingRecords.RecordMessage(booking, entry, now);
            await writer.RecordAsync(sent: false);
            return true;
        }
        now = time.GetUtcNow();
        if (slot.IsLaterThan(now))
        {
            // Another message went to this number moments ago: this one waits for its turn (Meta's pair rate limit),
            // without a wait here, so the booking's messages to other numbers go on.
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
        var sending = sender.TrySendAsync(Message(appointmentId, booking, entry, recipient));
        if (answerBy is { } deadline && !sending.IsCompleted)
        {
            var wait = deadline - time.GetUtcNow();
            if (wait <= TimeSpan.Zero || await Task.WhenAny(sending, Task.Delay(wait, time)) != sending)
            {
                // Answer the caller now with this message stored as claimed; record what Meta says when it says it.
                _inFlight.Add((entry, to, sending));
                _ = sending.ContinueWith(_ => OutcomeArrived(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current);
                LogLeftInFlight(logger, appointmentId, entry.Kind);
                return false;
            }
        }
        await RecordAsync(appointmentId, booking, entry, to, await sending, writer);
        return true;
    }

    private async Task SkippedAsync(string appointmentId, AppointmentState booking, Notification entry, StateWriter writer)
    {
        TurtleMetrics.Message(entry.Kind, MessageOutcome.Skipped);
        LogOutcome(logger, appointmentId, entry.Kind, entry.State, entry.Attempts, entry.LastError);
        BookingRecords.RecordMessage(booking, entry, time.GetUtcNow());
        await writer.RecordAsync(sent: false);
    }

    private async Task RecordAsync(string appointmentId, AppointmentState booking, Notification entry, string to, SendOutcome outcome, StateWriter writer)
    {
        if (entry.State == NotificationState.Sent || (entry.State != NotificationState.Sending && outcome.Result is not (SendResult.Sent or SendResult.DryRun)))
        {
            // Meta's status recorded it sent while its answer was awaited, or it was cancelled and the answer is no send:
            // the late answer changes nothing. It must not put a cancelled message back to be tried again.
            LogLateAnswerIgnored(logger, appointmentId, entry.Kind, entry.State, outcome.Result);
            return;
        }
        var now = time.GetUtcNow();
        rules.Apply(entry, outcome, booking.Details!, now, Random.Shared);
        MessageOutcomes.Count(entry, now);
        LogOutcome(logger, appointmentId, entry.Kind, entry.State, entry.Attempts, entry.LastError);
        BookingRecords.RecordMessage(booking, entry, now);
        await writer.RecordAsync(sent: true);
        if (outcome.WaId is { Length: > 0 } waId && waId != PhoneMask.Digits(to))
        {
            // Meta knows this number by another id (Brazil, Mexico): its replies and STOP will come from that one.
            if (MessageKinds.Of(entry.Kind).Audience == Audience.Client)
            {
                booking.ClientWaId = "+" + waId;
            }
            await grains.GetGrain<IRecipientGrain>(to).KnownAsAsync("+" + waId);
        }
    }

    private static OutgoingMessage Message(string appointmentId, AppointmentState booking, Notification entry, Recipient recipient) =>
        new(appointmentId, entry.Kind, booking.Details!, recipient.Advisor)
        {
            To = recipient.To,
            TimeZone = recipient.TimeZone,
            Values = new Dictionary<string, string?> { [TemplateVariables.CancelReason] = booking.CancelReason },
        };

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} {Kind}: {State} after {Attempts} attempt(s) {Error}")]
    private static partial void LogOutcome(ILogger logger, string id, NotificationKind kind, NotificationState state, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} {Kind}: another activation claimed the send first; this one steps aside")]
    private static partial void LogLostClaim(ILogger logger, string id, NotificationKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} {Kind}: Meta has not answered yet; the booking is stored with it claimed and its outcome will be recorded when it comes")]
    private static partial void LogLeftInFlight(ILogger logger, string id, NotificationKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} {Kind}: the late answer ({Answer}) leaves it {State}")]
    private static partial void LogLateAnswerIgnored(ILogger logger, string id, NotificationKind kind, NotificationState state, SendResult answer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id}: advisor assigned after booking ({Reason})")]
    private static partial void LogAssignedLate(ILogger logger, string id, string reason);
}
