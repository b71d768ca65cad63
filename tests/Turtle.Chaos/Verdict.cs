using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>One message the run expected, or one it found wrong, for the report.</summary>
public sealed record Finding(string InviteeId, string Kind, string What, DateTimeOffset? Due, DateTimeOffset? SentAt);

/// <summary>
/// What should have been sent, derived from the client's own record of what Turtle took and when, compared with what
/// the fake Graph API accepted. A delivery was applied somewhere between its first attempt and the 2xx that took it, so
/// a message whose fate depends on which came first within that window (or whose cancel came within the lateness bound
/// of its due time, so an outage may rightly have cancelled it unsent) is neither expected nor counted missing; anything
/// sent after its booking's cancel was taken, or after the meeting's start, is forbidden whatever the window.
/// </summary>
public sealed class Verdict
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(10);

    public int Bookings { get; private set; }
    public int Expected { get; private set; }
    public int Sent { get; private set; }
    public int Undelivered { get; private set; }
    public List<Finding> Missing { get; } = [];
    public List<Finding> Duplicated { get; } = [];
    public List<Finding> Forbidden { get; } = [];
    public List<Finding> Late { get; } = [];
    public TimeSpan WorstLateness { get; private set; }
    public string? WorstLatenessOf { get; private set; }

    public bool Passed => Missing.Count == 0 && Forbidden.Count == 0;

    public static Verdict Of(IReadOnlyList<Invitee> invitees, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes, IReadOnlyList<FakeWhatsAppRequest> accepted)
    {
        var verdict = new Verdict();
        var sends = accepted.Where(r => r.BizOpaqueCallbackData is not null).ToLookup(r => r.BizOpaqueCallbackData!);
        foreach (var invitee in invitees)
        {
            verdict.Judge(invitee, outcomes, sends);
        }
        return verdict;
    }

    private void Judge(Invitee invitee, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes, ILookup<string, FakeWhatsAppRequest> sends)
    {
        Bookings++;
        var creates = Window(invitee, "invitee.created", outcomes);
        var cancel = Window(invitee, "invitee.canceled", outcomes);
        var rescheduled = invitee.Deliveries.Any(d => d.Event == "invitee.canceled" && d.Body.Contains("\"rescheduled\":true", StringComparison.Ordinal));
        IEnumerable<FakeWhatsAppRequest> Of(string kind) => sends[$"{invitee.Id}:{kind}"].OrderBy(r => r.ReceivedAt);
        string[] kinds = ["Confirmation", "Rescheduled", "AdvisorBio", "Reminder", "Cancellation"];
        Sent += kinds.Sum(k => Of(k).Count());

        // Forbidden whatever else happened: after the cancel was taken (but the cancellation notice), after the start.
        foreach (var kind in kinds)
        {
            foreach (var send in Of(kind))
            {
                if (kind != "Cancellation" && cancel.Taken is { } cancelled && send.ReceivedAt > cancelled + TimeSpan.FromSeconds(1))
                {
                    Forbidden.Add(new(invitee.Id, kind, "sent after cancel", null, send.ReceivedAt));
                }
                if (send.ReceivedAt > invitee.Start + TimeSpan.FromSeconds(1))
                {
                    Forbidden.Add(new(invitee.Id, kind, "sent after the meeting started", invitee.Start, send.ReceivedAt));
                }
            }
        }
        if (creates.Taken is null && cancel.Taken is null)
        {
            Undelivered++;
            return;
        }

        var bookedBeforeCancel = creates.Taken is { } booked && (cancel.First is not { } c || booked < c);
        if (!bookedBeforeCancel)
        {
            return;
        }
        var bookedAt = creates.Taken!.Value;
        // A message is owed when due before the cancel could have been applied, with the lateness bound to spare.
        bool Owed(DateTimeOffset due) => cancel.First is not { } firstCancel || firstCancel > due + ChaosSettings.LatenessBound;

        // Taken after the meeting started (the cluster down until then), its first message is rightly skipped; cancelled
        // while Meta refused it (a burst of 429s), it is rightly withdrawn unsent.
        Expect(invitee, invitee.OldInviteeId is null ? "Confirmation" : "Rescheduled", creates.First!.Value, Of,
            owed: bookedAt < invitee.Start - Slack && Owed(creates.First!.Value));
        var bioDue = invitee.Start - ChaosSettings.BioLead;
        Expect(invitee, "AdvisorBio", bioDue < bookedAt ? bookedAt : bioDue, Of, Owed(bioDue < bookedAt ? bookedAt : bioDue));
        var reminderDue = invitee.Start - ChaosSettings.ReminderLead;
        // A reminder whose time had passed when the booking was stored is skipped, not owed.
        Expect(invitee, "Reminder", reminderDue, Of, reminderDue > bookedAt + Slack && Owed(reminderDue));
        if (cancel.Taken is { } cancelTaken && !rescheduled)
        {
            Expect(invitee, "Cancellation", cancel.First!.Value, Of, cancelTaken < invitee.Start - Slack && cancel.First > bookedAt);
        }
    }

    private void Expect(Invitee invitee, string kind, DateTimeOffset due, Func<string, IEnumerable<FakeWhatsAppRequest>> of, bool owed)
    {
        var sent = of(kind).ToList();
        if (sent.Count > 1)
        {
            Duplicated.Add(new(invitee.Id, kind, $"sent {sent.Count} times", due, sent[1].ReceivedAt));
        }
        if (!owed)
        {
            return;
        }
        Expected++;
        if (sent.Count == 0)
        {
            Missing.Add(new(invitee.Id, kind, "never sent", due, null));
            return;
        }
        var lateness = sent[0].ReceivedAt - due;
        if (lateness > WorstLateness)
        {
            (WorstLateness, WorstLatenessOf) = (lateness, $"{invitee.Id}:{kind}");
        }
        if (lateness > ChaosSettings.LatenessBound)
        {
            Late.Add(new(invitee.Id, kind, $"{lateness.TotalSeconds:0} s late", due, sent[0].ReceivedAt));
        }
    }

    /// <summary>When deliveries of one event about the invitee were first tried and first taken (null: not yet).</summary>
    private static (DateTimeOffset? First, DateTimeOffset? Taken) Window(Invitee invitee, string eventType, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes)
    {
        var of = invitee.Deliveries.Where(d => d.Event == eventType).ToList();
        if (of.Count == 0)
        {
            return (null, null);
        }
        var taken = of.Select(d => outcomes.TryGetValue(d, out var o) ? o.AcceptedAt : null).Where(t => t is not null).Min();
        return (of.Min(d => d.NotBefore), taken);
    }
}
