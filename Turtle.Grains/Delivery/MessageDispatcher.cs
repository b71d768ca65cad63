using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Templates;

namespace Turtle.Grains.Delivery;

/// <summary>
/// Sends whatever of a holder's messages is due (a booking's, an advisor's agenda), each by the same steps: record a
/// late outcome → what is due → gate and recipient (the <see cref="IDeliveryTarget"/>) → its number's send slot and
/// opt-out → hold → claim (persisted before the request) → send → apply → record. A message waiting for its number's
/// slot is only given that time as its next attempt; nothing here waits for a slot, so messages to other numbers go on.
/// One per grain activation: it keeps the sends left in flight, the state's writer and the wake-up alarm.
/// Delivery is at least once: Meta has no idempotency key, so a message Meta took is sent again only when its silo died
/// before the outcome was recorded and before Meta's status about it arrived (the claim then times out after
/// <c>Notifications:SendTimeout</c>); a new booking's first messages, recorded by its first write, go again only when
/// that write never happened and Calendly delivers the webhook again (README, "Delivery is at least once").
/// </summary>
public sealed partial class MessageDispatcher
{
    private readonly DeliveryServices _services;
    private readonly IDeliveryTarget _target;
    /// <summary>Sends still waiting for Meta's answer after the caller had to be answered; their outcome is recorded when it comes.</summary>
    private readonly List<(Notification Entry, string To, string? Language, Task<SendOutcome> Send)> _inFlight = [];

    /// <summary>Enough for a send and its retry in the default language (132001); a message due more often is stuck.</summary>
    private const int MaxAttemptsPerDispatch = 3;

    public MessageDispatcher(DeliveryServices services, IGrainBase grain, Orleans.Core.IStorage state, IDeliveryTarget target)
    {
        ArgumentNullException.ThrowIfNull(services);
        (_services, _target) = (services, target);
        Alarm = new WakeAlarm(grain, services.Policy, services.Time, () => ProcessAsync());
        Writer = new StateWriter(state, grain, target, Alarm, services.Logger);
    }

    public StateWriter Writer { get; }

    public WakeAlarm Alarm { get; }

    private SendRules Rules => _services.Rules;
    private TimeProvider Time => _services.Time;
    private ILogger Logger => _services.Logger;

    /// <summary>
    /// Every wake-up: writes an outcome memory alone holds, sends what is due, settles what the holder owes others, and
    /// re-arms toward what is next (or disarms when nothing is).
    /// </summary>
    /// <param name="answerBy">When the caller must have its answer; see <see cref="DispatchAsync"/>.</param>
    public async Task ProcessAsync(DateTimeOffset? answerBy = null)
    {
        if (Writer.HoldsUnrecordedOutcome)
        {
            try
            {
                await Writer.WriteAsync();
            }
            catch (Hosting.StorageUnavailableException)
            {
                return;
            }
        }
        await DispatchAsync(answerBy);
        if (!await _target.SettleAsync())
        {
            Alarm.WakeIn(WakePolicy.SettleRetry);
        }
        await ArmAsync();
    }

    /// <summary>Points the wake-up at what the holder needs next.</summary>
    public Task ArmAsync() => Alarm.ArmAsync(_target.Needs());

    /// <param name="answerBy">
    /// When the caller must have its answer (a webhook): no message is started after it, and a send still waiting for
    /// Meta then is left in flight, claimed, its outcome recorded when it arrives.
    /// </param>
    public async Task DispatchAsync(DateTimeOffset? answerBy = null)
    {
        foreach (var (entry, to, language, send) in _inFlight.Where(f => f.Send.IsCompleted).ToList())
        {
            _inFlight.Remove((entry, to, language, send));
            await RecordSentAsync(entry, to, language, await send);
        }
        var picked = new Dictionary<Notification, int>(ReferenceEqualityComparer.Instance);
        while (Time.GetUtcNow() < (answerBy ?? DateTimeOffset.MaxValue) && Rules.NextDue(_target.Messages, Time.GetUtcNow()) is { } entry)
        {
            picked[entry] = picked.GetValueOrDefault(entry) + 1;
            if (picked[entry] > MaxAttemptsPerDispatch)
            {
                // A message that stays due after its attempts here would hold the holder in a loop of calls: it waits
                // for the next wake-up instead, and everything else the holder does goes on.
                LogStillDue(Logger, _target.Holder, entry.Kind, entry.State, entry.LastError);
                Alarm.WakeIn(WakePolicy.SettleRetry);
                return;
            }
            if (!await SendAsync(entry, answerBy))
            {
                return;
            }
        }
    }

    /// <returns>False when the caller's deadline came first and a send is left in flight.</returns>
    private async Task<bool> SendAsync(Notification entry, DateTimeOffset? answerBy)
    {
        var address = await _target.AddressAsync(entry);
        if (address.SkipReason is { } reason)
        {
            SendRules.Skip(entry, reason);
            await RecordAsync(entry, sent: false);
            return true;
        }
        if (address is not { Number: { } to, Compose: { } compose })
        {
            return true;
        }
        var slot = await _services.Grains.GetGrain<IRecipientGrain>(to).ReserveSendSlotAsync(holder: _target.Holder);
        if (slot.OptedOut)
        {
            entry.State = NotificationState.OptedOut;
            entry.LastError = "the number opted out (STOP)";
            await RecordAsync(entry, sent: false);
            return true;
        }
        var now = Time.GetUtcNow();
        if (slot.IsLaterThan(now))
        {
            // Another message went to this number moments ago: this one waits for its turn (Meta's pair rate limit),
            // without a wait here, so the holder's messages to other numbers go on.
            entry.NextAttemptAt = slot.At;
            return true;
        }
        if (_services.Sender.HoldReason() is { } held)
        {
            // Nothing can be sent at all now (the access token): the message waits, unclaimed, and costs no write.
            Rules.Hold(entry, held, now);
            return true;
        }
        var message = compose();
        var template = await _services.Templates.CheckAsync(entry.Kind, message.Language);
        if (template.Verdict != TemplateVerdict.Send && message.Language is { } language)
        {
            // The client's language has no template Meta lets Turtle send: the message goes in the default language.
            FallBack(entry, language, template.Reason ?? "not approved", now);
            message = message with { Language = null };
            template = await _services.Templates.CheckAsync(entry.Kind, null);
        }
        if (template.Verdict == TemplateVerdict.Wait)
        {
            // Paused by Meta for its quality (or still under review): it waits, like a 132015 answer, and goes once approved.
            Rules.Hold(entry, $"held: {template.Reason}", now);
            return true;
        }
        if (template.Verdict == TemplateVerdict.Fail)
        {
            SendRules.Fail(entry, template.Reason ?? "the template cannot be sent", now);
            await RecordAsync(entry, sent: false);
            return true;
        }

        SendRules.Claim(entry, now);
        _target.Claiming(entry, _services.Sender.Render(message), template.Category);
        try
        {
            await Writer.ClaimAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation of this holder wrote first: it owns the send. Step aside.
            LogLostClaim(Logger, _target.Holder, entry.Kind);
            throw;
        }
        entry.InFlight = true;
        var sending = _services.Sender.TrySendAsync(message);
        if (answerBy is { } deadline && !sending.IsCompleted)
        {
            var wait = deadline - Time.GetUtcNow();
            if (wait <= TimeSpan.Zero || await Task.WhenAny(sending, Task.Delay(wait, Time)) != sending)
            {
                // Answer the caller now with this message stored as claimed; record what Meta says when it says it.
                _inFlight.Add((entry, to, message.Language, sending));
                _ = sending.ContinueWith(_ => Alarm.WakeIn(WakePolicy.Now), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current);
                LogLeftInFlight(Logger, _target.Holder, entry.Kind);
                return false;
            }
        }
        await RecordSentAsync(entry, to, message.Language, await sending);
        return true;
    }

    /// <summary>The message goes in the default language from now on, once, and the holder's history says why.</summary>
    private void FallBack(Notification entry, string language, string reason, DateTimeOffset now)
    {
        entry.LanguageFallback = true;
        _target.Note(entry, now, $"{entry.Kind}: no {language} template Meta lets Turtle send ({reason}); sent in the default language instead");
        LogLanguageFallback(Logger, _target.Holder, entry.Kind, language);
    }

    private async Task RecordSentAsync(Notification entry, string to, string? language, SendOutcome outcome)
    {
        entry.InFlight = false;
        if (language is not null && entry is { State: NotificationState.Sending, LanguageFallback: false }
            && outcome is { Result: SendResult.Permanent, ErrorCode: MetaErrorCodes.TemplateMissing })
        {
            // Meta has no template in the client's language (132001): the same message goes again at once in the default one.
            var now = Time.GetUtcNow();
            FallBack(entry, language, $"Meta answered {outcome.Describe()}", now);
            entry.State = NotificationState.Pending;
            entry.ClaimedAt = null;
            entry.NextAttemptAt = null;
            entry.LastError = $"Meta has no {language} template ({outcome.Describe()}): sent in the default language instead";
            await Writer.RecordAsync(sent: true);
            return;
        }
        if (entry.State != NotificationState.Sending && !(entry.State == NotificationState.Cancelled && outcome.Result is SendResult.Sent or SendResult.DryRun))
        {
            // Meta's status decided it while its answer was awaited (sent, or failed after all), or it was cancelled and
            // the answer is no send: the late answer changes nothing. It must not put a cancelled message back to be tried.
            LogLateAnswerIgnored(Logger, _target.Holder, entry.Kind, entry.State, outcome.Result);
            // The client's record still takes what Meta answered (or that it never did) about the attempt.
            _target.Answered(entry, outcome);
            Writer.WriteSoon();
            return;
        }
        Rules.Apply(entry, outcome, _target.SendBy(entry), Time.GetUtcNow(), Random.Shared);
        _target.Answered(entry, outcome);
        await RecordAsync(entry, sent: true);
        if (entry is { State: NotificationState.Sent, MessageId: { } messageId })
        {
            // Kept where a status naming only Meta's id (a failure reported later, without callback data) finds its holder.
            await _services.Grains.GetGrain<IRecipientGrain>(to).SentAsync(messageId, _target.Holder);
        }
        if (outcome.WaId is { Length: > 0 } waId && waId != PhoneMask.Digits(to))
        {
            await _target.KnownAsAsync(entry, to, "+" + waId);
        }
    }

    /// <summary>
    /// Applies one of Meta's statuses to the holder's message it is about (by Meta's message id, else the kind of a
    /// message whose answer never came): a message heard of only by its status is recorded as sent, and a <c>failed</c>
    /// status is classified like a refused send (<see cref="SendRules.ApplyFailedStatus"/>). The caller persists.
    /// </summary>
    public StatusEffect ApplyStatus(DeliveryStatusUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var now = Time.GetUtcNow();
        var adopted = DeliveryProgress.AdoptUnanswered(_target.Messages, update);
        if (adopted is not null)
        {
            MessageOutcomes.Count(adopted, now);
            _target.Answered(adopted, SendOutcome.Accepted(update.MessageId));
            _target.Recorded(adopted, now);
            LogAdopted(Logger, _target.Holder, adopted.Kind);
        }
        if (DeliveryProgress.Find(_target.Messages, update) is not { } entry)
        {
            return StatusEffect.NotOurs;
        }
        if (!DeliveryProgress.Apply(entry, update))
        {
            return adopted is null ? StatusEffect.Unchanged : StatusEffect.Replanned;
        }
        _target.StatusApplied(entry, update);
        if (update.Status != DeliveryStatus.Failed)
        {
            return adopted is null ? StatusEffect.Progressed : StatusEffect.Replanned;
        }
        Rules.ApplyFailedStatus(entry, update.ErrorCode, update.ErrorText, _target.SendBy(entry), now, Random.Shared);
        LogFailedStatus(Logger, _target.Holder, entry.Kind, update.ErrorCode, entry.State);
        MessageOutcomes.Count(entry, now);
        _target.Recorded(entry, now);
        return StatusEffect.Replanned;
    }

    /// <summary>
    /// Enters a message claimed without being sent from here (a new booking's first message, which an interrupted
    /// attempt may have sent) as it would have gone, so Meta's status about it completes an entry with its content; one
    /// a status already recorded sent is complete at once.
    /// </summary>
    public async Task EnterClaimAsync(Notification entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if ((await _target.AddressAsync(entry)).Compose is { } compose)
        {
            var template = await _services.Templates.CheckAsync(entry.Kind);
            _target.Claiming(entry, _services.Sender.Render(compose()), template.Category);
            if (entry.MessageId is { } messageId)
            {
                _target.Answered(entry, SendOutcome.Accepted(messageId));
            }
        }
    }

    /// <summary>Counts, logs and records what became of a message, and persists it.</summary>
    private async Task RecordAsync(Notification entry, bool sent)
    {
        var now = Time.GetUtcNow();
        MessageOutcomes.Count(entry, now);
        LogOutcome(Logger, _target.Holder, entry.Kind, entry.State, entry.Attempts, entry.LastError);
        _target.Recorded(entry, now);
        await Writer.RecordAsync(sent);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Holder} {Kind}: {State} after {Attempts} attempt(s) {Error}")]
    private static partial void LogOutcome(ILogger logger, string holder, NotificationKind kind, NotificationState state, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder} {Kind}: still due ({State}: {Error}) after its attempts of this wake-up; it waits for the next one")]
    private static partial void LogStillDue(ILogger logger, string holder, NotificationKind kind, NotificationState state, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder} {Kind}: another activation claimed the send first; this one steps aside")]
    private static partial void LogLostClaim(ILogger logger, string holder, NotificationKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder} {Kind}: Meta has not answered yet; it is stored claimed and its outcome will be recorded when it comes")]
    private static partial void LogLeftInFlight(ILogger logger, string holder, NotificationKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder} {Kind}: recorded as sent from Meta's status; the answer to its request never came")]
    private static partial void LogAdopted(ILogger logger, string holder, NotificationKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder} {Kind}: Meta reported it failed ({Code}) after accepting it; now {State}")]
    private static partial void LogFailedStatus(ILogger logger, string holder, NotificationKind kind, int? code, NotificationState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder} {Kind}: no template Meta lets Turtle send in {Language}; it goes in the default language")]
    private static partial void LogLanguageFallback(ILogger logger, string holder, NotificationKind kind, string language);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Holder} {Kind}: the late answer ({Answer}) leaves it {State}")]
    private static partial void LogLateAnswerIgnored(ILogger logger, string holder, NotificationKind kind, NotificationState state, SendResult answer);
}

/// <summary>What one of Meta's statuses did to a holder's messages, and so what the holder must persist.</summary>
public enum StatusEffect
{
    /// <summary>It is about none of the holder's messages.</summary>
    NotOurs,
    /// <summary>About one of them, and nothing new (a repeat, or a step backwards).</summary>
    Unchanged,
    /// <summary>Delivered or read: written, nothing else changes.</summary>
    Progressed,
    /// <summary>A message recorded as sent from it, or failed at Meta: what is next changed, so re-arm, write and tell.</summary>
    Replanned,
}
