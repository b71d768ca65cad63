using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>One message the run expected, or one it found wrong, for the report.</summary>
public sealed record Finding(string InviteeId, string Kind, string What, DateTimeOffset? Due, DateTimeOffset? SentAt);

/// <summary>
/// What a template's pause did: from when it held (its webhook taken), until when (its resume first sent; null while the
/// resume was never taken), the owed messages of its kind due meanwhile, how many of them went after the resume and how
/// many were lost, and how many messages of the template Meta accepted while it held.
/// </summary>
public sealed record PauseOutcome(DateTimeOffset HeldFrom, DateTimeOffset? HeldUntil, int DueWhilePaused, int WentAfterResume, int Lost, int SentWhilePaused);

/// <summary>
/// What should have been sent, derived from the client's own record of what Turtle took and when (and, for what only
/// reconciliation could find, of when Calendly's API showed it), compared with what the fake Graph API accepted. A
/// delivery was applied somewhere between its first attempt and the 2xx that took it, so a message whose fate depends on
/// which came first within that window (or whose cancel came within the lateness bound of its due time, so an outage may
/// rightly have cancelled it unsent) is neither expected nor counted missing; what is forbidden is forbidden whatever the
/// window: anything but the cancellation notice after the cancel was taken, a message that goes only before the meeting
/// after it started, a follow-up after the no-show mark was taken, a reschedule offer without a decline, anything to a
/// number after its STOP was taken (<see cref="ChaosSettings.InFlight"/> allowed for a send already on its way), a message
/// of a paused template while the pause held. A message owed but not yet sent is missing only once its lateness bound has
/// passed; until then it is awaited. A message Meta accepted twice is duplicated; any of these fails the run.
/// A send Meta accepted and then reported <c>failed</c> (<see cref="FakeWhatsAppRequest.LateFault"/>) did not reach the
/// client: it is no send for the count of duplicates, and a retryable code (<see cref="AsyncFailures.HandlingOf"/>) leaves
/// its message owed until Meta accepts it again; a code Turtle does not retry within the run (131050, 130472, 131049's
/// day) makes the message failed at Meta, owed but not missing, once <see cref="AsyncFailures.Judge"/> finds the booking
/// recorded it (a status that did not reach it fails the run there).
/// </summary>
public sealed class Verdict
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Moment = TimeSpan.FromSeconds(1);

    /// <summary>Kinds that never go once the meeting has started (SPEC §5); FollowUp and NoShow go after it by design.</summary>
    private static readonly HashSet<string> BeforeStart = ["Confirmation", "Rescheduled", "AdvisorBio", "Reminder", "Reconfirm", "Cancellation", "RescheduleOffer"];

    public static IReadOnlyList<string> Kinds { get; } = [.. BeforeStart, "FollowUp", "NoShow"];

    private readonly DateTimeOffset _now;
    private readonly CalendlyMirror _calendly;
    private readonly List<(string Kind, DateTimeOffset Due, DateTimeOffset? FirstSent, Outcome Outcome)> _owed = [];

    private Verdict(DateTimeOffset now, CalendlyMirror calendly) => (_now, _calendly) = (now, calendly);

    public int Bookings { get; private set; }
    public int Expected { get; private set; }
    /// <summary>Sends Meta accepted and kept (no <c>failed</c> status after).</summary>
    public int Sent { get; private set; }
    /// <summary>Sends Meta accepted and then reported <c>failed</c>.</summary>
    public int FailedLater { get; private set; }
    public int Undelivered { get; private set; }
    /// <summary>Owed, due, not sent yet, and still within the lateness bound.</summary>
    public int Awaited { get; private set; }
    public List<Finding> Missing { get; } = [];
    public List<Finding> Duplicated { get; } = [];
    public List<Finding> Forbidden { get; } = [];
    public List<Finding> Late { get; } = [];
    /// <summary>
    /// Bookings whose wake-ups stopped: one of its planned messages went, a later one owed never did (the risk of
    /// dotnet/orleans#8867, a reminder that never fires again after a silo's death).
    /// </summary>
    public List<Finding> Stopped { get; } = [];
    /// <summary>Per kind: how many were owed, how many of those went, and how many Meta failed after accepting them (not retried in the run).</summary>
    public SortedDictionary<string, (int Owed, int Sent, int FailedAtMeta)> ByKind { get; } = new(StringComparer.Ordinal);
    public TimeSpan WorstLateness { get; private set; }
    public string? WorstLatenessOf { get; private set; }
    /// <summary>STOPs taken: from the number, and naming only the BSUID.</summary>
    public (int FromNumber, int ByUserId) Stops { get; private set; }
    /// <summary>Messages to a number that reached Meta after its STOP was taken, within <see cref="ChaosSettings.InFlight"/>.</summary>
    public int InFlightAtStop { get; private set; }
    /// <summary>The template pause, once its webhook was taken (null: not yet, or no pause in the run).</summary>
    public PauseOutcome? Paused { get; private set; }

    public bool Passed => Missing.Count == 0 && Forbidden.Count == 0 && Duplicated.Count == 0;

    public static Verdict Of(IReadOnlyList<Invitee> invitees, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes,
        IReadOnlyList<FakeWhatsAppRequest> accepted, CalendlyMirror calendly, DateTimeOffset now, TemplatePause? pause = null)
    {
        var verdict = new Verdict(now, calendly);
        var sends = accepted.Where(r => r.BizOpaqueCallbackData is not null).ToLookup(r => r.BizOpaqueCallbackData!);
        var toNumber = accepted.ToLookup(r => r.To ?? "");
        foreach (var invitee in invitees)
        {
            verdict.Judge(invitee, outcomes, sends, toNumber);
        }
        if (pause is not null)
        {
            verdict.JudgePause(pause, outcomes, accepted);
        }
        return verdict;
    }

    /// <summary>
    /// The last time anything about <paramref name="invitee"/> falls due up to <paramref name="horizon"/>: its reminder,
    /// its follow-up, a delivery about it (a half-hour meeting's follow-up is past any run's horizon).
    /// </summary>
    public static DateTimeOffset LastDue(Invitee invitee, DateTimeOffset horizon) =>
        new[] { invitee.Start - ChaosSettings.ReminderLead, invitee.End + ChaosSettings.FollowUpDelay }
            .Concat(invitee.Deliveries.Select(d => d.NotBefore))
            .Where(d => d <= horizon).DefaultIfEmpty(invitee.BookedAt).Max();

    private void Judge(Invitee invitee, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes, ILookup<string, FakeWhatsAppRequest> sends,
        ILookup<string, FakeWhatsAppRequest> toNumber)
    {
        Bookings++;
        List<FakeWhatsAppRequest> Of(string kind) => [.. sends[$"{invitee.Id}:{kind}"].OrderBy(r => r.ReceivedAt)];
        var creates = invitee.CreateLost ? Reconciled(_calendly.ShownAt(invitee), Of("Confirmation").Concat(Of("Rescheduled"))) : Window(invitee, "invitee.created", outcomes);
        var cancel = invitee.CancelLost ? Reconciled(_calendly.CancelledAt(invitee), Of("Cancellation")) : Window(invitee, "invitee.canceled", outcomes);
        var noShow = Window(invitee, "invitee_no_show.created", outcomes);
        var unmarked = Window(invitee, "invitee_no_show.deleted", outcomes);
        var decline = Window(invitee, "reply.decline", outcomes);
        var (stop, byUserId) = StopOf(invitee, outcomes);
        var rescheduled = invitee.Cancelled is { Rescheduled: true };
        foreach (var kind in Kinds)
        {
            var sent = Of(kind);
            var kept = Kept(sent);
            Sent += kept.Count;
            FailedLater += sent.Count - kept.Count;
            if (kept.Count > 1)
            {
                Duplicated.Add(new(invitee.Id, kind, $"sent {kept.Count} times", null, kept[1].ReceivedAt));
            }
            foreach (var send in sent)
            {
                if (WhyForbidden(invitee, kind, send.ReceivedAt, cancel, noShow, unmarked, decline, outcomes) is { } why)
                {
                    Forbidden.Add(new(invitee.Id, kind, why, null, send.ReceivedAt));
                }
            }
        }
        if (stop.By is { } silenced)
        {
            // Whatever it was about: the number said STOP. A send that had passed the opt-out check when the STOP was
            // stored may still reach Meta a moment later; one after that was let through.
            Stops = byUserId ? (Stops.FromNumber, Stops.ByUserId + 1) : (Stops.FromNumber + 1, Stops.ByUserId);
            foreach (var send in toNumber[string.Concat(invitee.Phone.Where(char.IsAsciiDigit))].Where(r => r.ReceivedAt > silenced))
            {
                if (send.ReceivedAt <= silenced + ChaosSettings.InFlight)
                {
                    InFlightAtStop++;
                    continue;
                }
                Forbidden.Add(new(invitee.Id, KindOf(send), $"sent after the client's STOP {(byUserId ? "naming only its BSUID" : "from its number")}", null, send.ReceivedAt));
            }
        }
        if (creates.By is null && cancel.By is null)
        {
            Undelivered++;
            return;
        }
        var bookedBeforeCancel = creates.By is { } booked && (cancel.First is not { } c || booked < c);
        if (!bookedBeforeCancel)
        {
            return;
        }
        var bookedAt = creates.By!.Value;
        // A message is owed when due before the cancel or the client's STOP could have been applied, with the lateness bound to spare.
        bool Heard(DateTimeOffset due) => stop.First is not { } stopped || stopped > due + ChaosSettings.LatenessBound;
        bool Owed(DateTimeOffset due) => (cancel.First is not { } firstCancel || firstCancel > due + ChaosSettings.LatenessBound) && Heard(due);
        // One that goes only before the meeting is owed only when the lateness bound from its due time still ends before
        // the start, and its cause was taken before it: else an outage may rightly have kept it until the meeting began.
        bool BeforeTheStart(DateTimeOffset due, DateTimeOffset takenBy) =>
            due + ChaosSettings.LatenessBound < invitee.Start - Slack && takenBy < invitee.Start - Slack;
        // The messages its own wake-ups send (not those a webhook's call sends at once), to tell whether they stopped.
        var woken = new List<(string Kind, DateTimeOffset Due, Outcome Outcome)>();
        void Planned(string kind, DateTimeOffset due, bool owed) => woken.Add((kind, due, Expect(invitee, kind, due, Of(kind), owed)));

        // Taken after the meeting started (the cluster down until then), its first message is rightly skipped; cancelled
        // while Meta refused it (a burst of 429s), it is rightly withdrawn unsent.
        var first = invitee.OldInviteeId is null ? "Confirmation" : "Rescheduled";
        var bookingDue = creates.Due!.Value;
        Expect(invitee, first, bookingDue, Of(first), BeforeTheStart(bookingDue, bookedAt) && Owed(bookingDue));
        // A bio whose time had passed at booking goes with the booking's first messages.
        var bioDue = invitee.Start - ChaosSettings.BioLead;
        if (bioDue < bookedAt)
        {
            Expect(invitee, "AdvisorBio", bookedAt, Of("AdvisorBio"), BeforeTheStart(bookedAt, bookedAt) && Owed(bookedAt));
        }
        else
        {
            Planned("AdvisorBio", bioDue, BeforeTheStart(bioDue, bookedAt) && Owed(bioDue));
        }
        // A reminder or an attendance check whose time had passed when the booking was stored is skipped, not owed.
        var reconfirmDue = invitee.Start - ChaosSettings.ReconfirmLead;
        Planned("Reconfirm", reconfirmDue, reconfirmDue > bookedAt + Slack && Owed(reconfirmDue));
        var reminderDue = invitee.Start - ChaosSettings.ReminderLead;
        Planned("Reminder", reminderDue, reminderDue > bookedAt + Slack && Owed(reminderDue));
        // The follow-up is withdrawn by a no-show mark taken before it went, as by a cancel.
        var followUpDue = invitee.End + ChaosSettings.FollowUpDelay;
        Planned("FollowUp", followUpDue, bookedAt < invitee.Start - Slack && Owed(followUpDue)
            && (noShow.First is not { } marked || marked > followUpDue + ChaosSettings.LatenessBound));
        if (cancel.By is { } cancelTaken && !rescheduled)
        {
            Expect(invitee, "Cancellation", cancel.Due!.Value, Of("Cancellation"), BeforeTheStart(cancel.Due!.Value, cancelTaken) && cancel.First > bookedAt
                && Heard(cancel.Due!.Value));
        }
        // A mark on a booking stored before it: NoShow goes at once, unless the mark's removal could have withdrawn it unsent.
        if (noShow.By is { } markTaken && noShow.First > bookedAt)
        {
            Expect(invitee, "NoShow", noShow.Due!.Value, Of("NoShow"), Owed(noShow.Due!.Value)
                && (unmarked.First is not { } removed || removed > markTaken + ChaosSettings.LatenessBound));
        }
        // A decline from the booking's own number: the reschedule offer goes at once, before the meeting.
        if (decline.By is { } declineTaken && decline.First > bookedAt)
        {
            Expect(invitee, "RescheduleOffer", decline.Due!.Value, Of("RescheduleOffer"), BeforeTheStart(decline.Due!.Value, declineTaken) && Owed(decline.Due!.Value));
        }

        // An owed planned message that never went after an earlier one did: the booking's wake-ups stopped.
        var ordered = woken.Where(w => w.Outcome != Outcome.NotOwed).OrderBy(w => w.Due).ToList();
        var firstSent = ordered.FindIndex(w => w.Outcome is Outcome.Sent or Outcome.FailedAtMeta);
        if (firstSent >= 0 && ordered.Skip(firstSent + 1).FirstOrDefault(w => w.Outcome == Outcome.Missing) is { Kind: not null } stopped)
        {
            Stopped.Add(new(invitee.Id, stopped.Kind, $"never sent, though {ordered[firstSent].Kind} before it was", stopped.Due, null));
        }
    }

    /// <summary>Why one send of <paramref name="kind"/> at <paramref name="at"/> should not have happened (null: it may have).</summary>
    private static string? WhyForbidden(Invitee invitee, string kind, DateTimeOffset at, Applied cancel, Applied noShow, Applied unmarked, Applied decline,
        IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes)
    {
        if (kind != "Cancellation" && cancel.By is { } cancelled && at > cancelled + Moment)
        {
            return "sent after cancel";
        }
        if (BeforeStart.Contains(kind) && at > invitee.Start + Moment)
        {
            return "sent after the meeting started";
        }
        DateTimeOffset? due = kind switch
        {
            "Reminder" => invitee.Start - ChaosSettings.ReminderLead,
            "Reconfirm" => invitee.Start - ChaosSettings.ReconfirmLead,
            "FollowUp" => invitee.End + ChaosSettings.FollowUpDelay,
            _ => null,
        };
        if (at < due - Moment)
        {
            return "sent before it was due";
        }
        if (kind == "FollowUp" && noShow.By is { } marked && at > marked + Moment)
        {
            return "sent after the no-show mark was taken";
        }
        if (kind == "NoShow" && (noShow.First is not { } markedFirst || at < markedFirst - Moment))
        {
            return "sent without a no-show mark";
        }
        // The mark's removal withdraws a NoShow not sent yet, unless a repeat of the mark was taken after the removal.
        if (kind == "NoShow" && unmarked.By is { } removed && at > removed + Moment && noShow.By < unmarked.First
            && !invitee.Deliveries.Any(d => d.Event == "invitee_no_show.created" && outcomes.TryGetValue(d, out var o) && o.AcceptedAt > unmarked.First))
        {
            return "sent after the no-show mark was removed";
        }
        if (kind == "RescheduleOffer" && (decline.First is not { } declined || at < declined - Moment))
        {
            return "sent without a decline from the booking's number";
        }
        return null;
    }

    private enum Outcome
    {
        NotOwed,
        NotDue,
        Awaited,
        Missing,
        Sent,
        /// <summary>Accepted, then failed by Meta with a code Turtle does not retry within the run.</summary>
        FailedAtMeta,
    }

    /// <summary>The sends Meta kept: those it did not report failed after accepting them.</summary>
    private static List<FakeWhatsAppRequest> Kept(List<FakeWhatsAppRequest> accepted) => [.. accepted.Where(r => r.LateFault is null)];

    private Outcome Expect(Invitee invitee, string kind, DateTimeOffset due, List<FakeWhatsAppRequest> accepted, bool owed)
    {
        if (!owed)
        {
            return Outcome.NotOwed;
        }
        var sent = Kept(accepted);
        // Failed by Meta for good (or for a day): Turtle sent it and may not send it again within the run.
        var failedAtMeta = sent.Count == 0
            ? accepted.FirstOrDefault(r => r.LateFault is { } fault && AsyncFailures.HandlingOf(fault.MetaCode) != AfterFailure.Retried)
            : null;
        if (failedAtMeta is null && sent.Count == 0 && due > _now)
        {
            return Outcome.NotDue;
        }
        if (failedAtMeta is null && sent.Count == 0 && due + ChaosSettings.LatenessBound > _now)
        {
            Awaited++;
            return Outcome.Awaited;
        }
        var outcome = failedAtMeta is not null ? Outcome.FailedAtMeta : sent.Count > 0 ? Outcome.Sent : Outcome.Missing;
        var went = failedAtMeta ?? sent.FirstOrDefault();
        _owed.Add((kind, due, went?.ReceivedAt, outcome));
        Expected++;
        var (owedOfKind, sentOfKind, failedOfKind) = ByKind.GetValueOrDefault(kind);
        ByKind[kind] = (owedOfKind + 1, sentOfKind + (outcome == Outcome.Sent ? 1 : 0), failedOfKind + (outcome == Outcome.FailedAtMeta ? 1 : 0));
        if (went is null)
        {
            Missing.Add(new(invitee.Id, kind, accepted.Count > 0 ? $"failed by Meta after accepting it (retryable), never accepted again" : "never sent", due, null));
            return Outcome.Missing;
        }
        var lateness = went.ReceivedAt - due;
        if (lateness > WorstLateness)
        {
            (WorstLateness, WorstLatenessOf) = (lateness, $"{invitee.Id}:{kind}");
        }
        if (lateness > ChaosSettings.LatenessBound)
        {
            Late.Add(new(invitee.Id, kind, $"{lateness.TotalSeconds:0} s late", due, went.ReceivedAt));
        }
        return outcome;
    }

    /// <summary>
    /// The pause held from its webhook's first 2xx, plus the time every silo's kept template check and a send already
    /// past it may take, until its resume could first have been applied (its first attempt): Meta must accept no message
    /// of the template in between, and every owed message of its kind due in between must go after the resume.
    /// </summary>
    private void JudgePause(TemplatePause pause, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes, IReadOnlyList<FakeWhatsAppRequest> accepted)
    {
        if (!outcomes.TryGetValue(pause.Pause, out var paused) || paused.AcceptedAt is not { } pausedBy)
        {
            return;
        }
        var from = pausedBy + ChaosSettings.TemplateCheckLifetime + ChaosSettings.InFlight;
        DateTimeOffset? until = outcomes.TryGetValue(pause.Resume, out var resumed) && resumed.AcceptedAt is not null ? pause.Resume.NotBefore : null;
        bool Held(DateTimeOffset at) => at > from && (until is not { } end || at < end);
        var whilePaused = accepted.Where(r => r.TemplateName == pause.Template && Held(r.ReceivedAt)).ToList();
        foreach (var send in whilePaused)
        {
            Forbidden.Add(new(send.BizOpaqueCallbackData?.Split(':')[0] ?? "", KindOf(send), "sent while its template was paused", null, send.ReceivedAt));
        }
        var held = _owed.Where(o => o.Kind == pause.Kind && Held(o.Due)).ToList();
        Paused = new PauseOutcome(from, until, held.Count, held.Count(h => h.FirstSent >= until), held.Count(h => h.Outcome == Outcome.Missing), whilePaused.Count);
    }

    private static string KindOf(FakeWhatsAppRequest send) => send.BizOpaqueCallbackData?.Split(':') is [_, var kind] ? kind : send.TemplateName ?? "?";

    /// <summary>
    /// When an event about an invitee could first have been applied, when the messages it sends at once are due from,
    /// and by when it surely was applied (null: not yet).
    /// </summary>
    private sealed record Applied(DateTimeOffset? First, DateTimeOffset? Due, DateTimeOffset? By);

    /// <summary>
    /// The client's STOP: first sent at its delivery's first attempt; surely applied by the first 2xx of its webhook,
    /// which Turtle answers only once the number's opt-out is stored. One naming only the BSUID reaches the number through
    /// the link a status made, and one taken before the link is applied when the link comes: applied by the later of the two.
    /// </summary>
    private static (Applied Stop, bool ByUserId) StopOf(Invitee invitee, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes)
    {
        var fromNumber = Window(invitee, PlannedStop.FromNumberEvent, outcomes);
        if (fromNumber.First is not null)
        {
            return (fromNumber, false);
        }
        var byUser = Window(invitee, PlannedStop.FromUserEvent, outcomes);
        var link = Window(invitee, PlannedStop.LinkEvent, outcomes);
        return (byUser with { By = byUser.By is { } taken && link.By is { } linked ? (taken > linked ? taken : linked) : null }, byUser.First is not null);
    }

    /// <summary>An event delivered by webhook: first tried at the earliest delivery's time, applied by the first 2xx.</summary>
    private static Applied Window(Invitee invitee, string eventType, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes)
    {
        var of = invitee.Deliveries.Where(d => d.Event == eventType).ToList();
        if (of.Count == 0)
        {
            return new(null, null, null);
        }
        var taken = of.Select(d => outcomes.TryGetValue(d, out var o) ? o.AcceptedAt : null).Where(t => t is not null).Min();
        var first = of.Min(d => d.NotBefore);
        return new(first, first, taken);
    }

    /// <summary>
    /// An event whose webhook was lost, so only reconciliation applies it: not before the API showed it, due a reconcile
    /// interval later, and surely applied once the message it sends went, or by the lateness bound after that.
    /// </summary>
    private static Applied Reconciled(DateTimeOffset? shown, IEnumerable<FakeWhatsAppRequest> evidence)
    {
        if (shown is not { } first)
        {
            return new(null, null, null);
        }
        var due = first + ChaosSettings.ReconcileInterval;
        var sent = evidence.Select(r => (DateTimeOffset?)r.ReceivedAt).Min();
        return new(first, due, sent ?? due + ChaosSettings.LatenessBound);
    }
}
