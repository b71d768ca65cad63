using Turtle.Testing.Calendly;

namespace Turtle.Chaos;

/// <summary>
/// The client's tap on its Reconfirm's button, made once Meta accepted the Reconfirm: <paramref name="Choice"/>
/// (<c>attend</c> or <c>decline</c>) after <paramref name="After"/>, from the booking's own phone or from
/// <paramref name="OtherPhone"/> (a forwarded message), as a <c>button</c> message or an <c>interactive</c> reply, and
/// sometimes delivered twice.
/// </summary>
public sealed record PlannedAnswer(string Choice, TimeSpan After, string? OtherPhone, bool Interactive, bool Twice)
{
    /// <summary>The event name its deliveries carry, which the verdict reads.</summary>
    public string Event => OtherPhone is null ? $"reply.{Choice}" : $"reply.{Choice}.other";
}

/// <summary>
/// The client's STOP, sent <paramref name="After"/> its booking: from its number, or (<paramref name="ByUserId"/>) after
/// adopting a WhatsApp username, so that Meta names it only by its business-scoped user id (BSUID).
/// </summary>
public sealed record PlannedStop(TimeSpan After, bool ByUserId)
{
    /// <summary>The status that links the BSUID to the number, posted before a STOP naming only the BSUID.</summary>
    public const string LinkEvent = "status.delivered";

    public const string FromNumberEvent = "reply.stop";
    public const string FromUserEvent = "reply.stop.user";

    /// <summary>The event name its delivery carries, which the verdict reads.</summary>
    public string Event => ByUserId ? FromUserEvent : FromNumberEvent;
}

/// <summary>One invitee as the Calendly-like client made it: its meeting, what Calendly's API shows of it, and the deliveries about it.</summary>
public sealed class Invitee
{
    private readonly List<Delivery> _deliveries = [];

    public required string Id { get; init; }
    public required string Phone { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required DateTimeOffset End { get; init; }
    /// <summary>The behaviour that made it, as the summary counts them.</summary>
    public required string Behaviour { get; init; }
    /// <summary>Set for the new invitee of a reschedule: it gets Rescheduled, not Confirmation.</summary>
    public Invitee? OldInvitee { get; init; }
    public string? OldInviteeId => OldInvitee?.Id;
    /// <summary>Its scheduled event in the fake Calendly API: one event per invitee, as one-on-one meetings are.</summary>
    public string EventUuid { get; } = Guid.NewGuid().ToString();

    /// <summary>When it was booked in Calendly: from then the API shows it.</summary>
    public required DateTimeOffset BookedAt { get; init; }
    /// <summary>When it was cancelled in Calendly, and whether as half of a reschedule (null: never).</summary>
    public (DateTimeOffset At, bool Rescheduled)? Cancelled { get; set; }
    /// <summary>Calendly never delivered its <c>invitee.created</c>: only reconciliation can book it.</summary>
    public bool CreateLost { get; set; }
    /// <summary>Calendly never delivered its <c>invitee.canceled</c>: only reconciliation can cancel it.</summary>
    public bool CancelLost { get; set; }
    public PlannedAnswer? Answer { get; set; }
    public PlannedStop? Stop { get; set; }

    /// <summary>Its deliveries so far (a copy): those planned at booking, and an answer's once it is made.</summary>
    public IReadOnlyList<Delivery> Deliveries
    {
        get
        {
            lock (_deliveries)
            {
                return [.. _deliveries];
            }
        }
    }

    public void Add(Delivery delivery)
    {
        lock (_deliveries)
        {
            _deliveries.Add(delivery);
        }
    }

    /// <summary>Drops the deliveries of <paramref name="eventType"/> planned so far.</summary>
    public void Forget(string eventType)
    {
        lock (_deliveries)
        {
            _deliveries.RemoveAll(d => d.Event == eventType);
        }
    }
}

/// <summary>
/// What the client streams: bookings whose messages fall due during the run, and around them the ways Calendly and Meta
/// deliver (repeats, cancels, cancels overtaking their create, reschedules as a cancel plus a new invitee, no-show marks
/// and their removal, taps on the attendance check, STOPs from the number or naming only the BSUID, webhooks lost for
/// good so that only reconciliation finds them). Each behaviour is one entry of <see cref="Behaviours"/> with its weight
/// and how soon its meeting is; the verdict reads only the deliveries and what Calendly's API showed, so a new event is a
/// new behaviour plus its rule in <see cref="Verdict"/>.
/// No cancel or reschedule is planned after <paramref name="quietAfter"/> (shortly after the faults end): later ones would
/// only lengthen the wait for the verdict.
/// </summary>
public sealed class Scenario(Random random, DateTimeOffset quietAfter)
{
    /// <summary>How far ahead a meeting booked soon starts: its end and follow-up then fall due about two minutes after booking.</summary>
    private static readonly (TimeSpan From, TimeSpan To) SoonStart = (TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(75));

    private readonly List<Invitee> _invitees = [];

    public IReadOnlyList<Invitee> Invitees => _invitees;

    /// <summary>
    /// Ahead: the usual half-hour meeting, from <see cref="ChaosSettings.EarliestStart"/> on, its bio, attendance check and
    /// reminder due in the run. Soon: a short meeting starting within about a minute, so that it ends, is marked a no-show
    /// and has its follow-up due in the run (too soon for its reminder, and for its first messages to be owed whatever the faults).
    /// </summary>
    private enum Meeting
    {
        Ahead,
        Soon,
    }

    /// <summary>Behaviours and their weights.</summary>
    private (int Weight, string Name, Meeting Meeting, Action<Invitee, DateTimeOffset> Plan)[] Behaviours =>
    [
        (24, "plain", Meeting.Ahead, (_, _) => { }),
        (8, "repeat", Meeting.Ahead, Repeat),
        (10, "cancel", Meeting.Ahead, Cancel),
        (4, "cancel before create", Meeting.Ahead, CancelBeforeCreate),
        (8, "reschedule", Meeting.Ahead, Reschedule),
        (4, "repeat after cancel", Meeting.Ahead, RepeatAfterCancel),
        (14, "attendance answer", Meeting.Ahead, AnswerReconfirm),
        (8, "follow-up", Meeting.Soon, (_, _) => { }),
        (10, "no-show", Meeting.Soon, MarkNoShow),
        (6, "create webhook lost", Meeting.Ahead, LoseCreate),
        (4, "cancel webhook lost", Meeting.Ahead, LoseCancel),
        (5, "stop", Meeting.Ahead, (invitee, now) => SendStop(invitee, now, byUserId: false)),
        (5, "stop by username", Meeting.Ahead, (invitee, now) => SendStop(invitee, now, byUserId: true)),
    ];

    /// <summary>A new booking made now, meeting as its behaviour wants (ahead: at most <paramref name="latestStart"/> from now), with its deliveries.</summary>
    public Invitee Next(DateTimeOffset now, TimeSpan latestStart)
    {
        var total = Behaviours.Sum(b => b.Weight);
        var pick = random.Next(total);
        foreach (var (weight, name, meeting, plan) in Behaviours)
        {
            if ((pick -= weight) < 0)
            {
                var invitee = meeting == Meeting.Soon
                    ? NewInvitee(now, name, now + Seconds(SoonStart.From.TotalSeconds, SoonStart.To.TotalSeconds), Seconds(15, 30), oldInvitee: null)
                    : NewInvitee(now, latestStart, name, oldInvitee: null);
                Created(invitee, now);
                plan(invitee, now);
                return invitee;
            }
        }
        throw new InvalidOperationException("no behaviour picked");
    }

    private Invitee NewInvitee(DateTimeOffset now, TimeSpan latestStart, string behaviour, Invitee? oldInvitee)
    {
        var earliest = ChaosSettings.EarliestStart;
        var ahead = latestStart > earliest ? earliest + ((latestStart - earliest) * random.NextDouble()) : earliest;
        return NewInvitee(now, behaviour, now + ahead, TimeSpan.FromMinutes(30), oldInvitee);
    }

    private Invitee NewInvitee(DateTimeOffset now, string behaviour, DateTimeOffset start, TimeSpan length, Invitee? oldInvitee)
    {
        var invitee = new Invitee
        {
            Id = Guid.NewGuid().ToString(),
            Phone = NewPhone(),
            Start = start,
            End = start + length,
            Behaviour = behaviour,
            OldInvitee = oldInvitee,
            BookedAt = now,
        };
        _invitees.Add(invitee);
        return invitee;
    }

    private string NewPhone() => "+91 9" + random.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Created(Invitee invitee, DateTimeOffset at) => invitee.Add(new Delivery(invitee.Id, "invitee.created",
        CalendlyWebhooks.InviteeCreated(invitee.Id, invitee.Phone, invitee.Start, oldInviteeId: invitee.OldInviteeId, end: invitee.End), at));

    private static void Canceled(Invitee invitee, DateTimeOffset at, bool rescheduled = false)
    {
        invitee.Cancelled ??= (at, rescheduled);
        invitee.Add(new Delivery(invitee.Id, "invitee.canceled",
            CalendlyWebhooks.InviteeCanceled(invitee.Id, invitee.Phone, invitee.Start, rescheduled, end: invitee.End), at));
    }

    /// <summary>Calendly delivers the same event again.</summary>
    private void Repeat(Invitee invitee, DateTimeOffset now) => Created(invitee, now + Seconds(1, 30));

    /// <summary>Cancelled some time before the meeting: before or after its bio or reminder fell due.</summary>
    private void Cancel(Invitee invitee, DateTimeOffset now) => Canceled(invitee, now + ((Before(invitee.Start - TimeSpan.FromSeconds(5)) - now) * random.NextDouble()));

    /// <summary>The cancel overtakes its create: the booking must stay cancelled and silent.</summary>
    private void CancelBeforeCreate(Invitee invitee, DateTimeOffset now)
    {
        invitee.Forget("invitee.created");
        Canceled(invitee, now);
        Created(invitee, now + Seconds(3, 10));
    }

    /// <summary>Moved: the old invitee is cancelled (rescheduled=true) and a new one created that names it, in either order.</summary>
    private void Reschedule(Invitee invitee, DateTimeOffset now)
    {
        var at = now + Seconds(5, Math.Max(6, (Before(invitee.Start - TimeSpan.FromSeconds(20)) - now).TotalSeconds));
        // The new time is at most a minute after the old one, or as soon as a booking may be: its messages fall due in the run.
        var moved = NewInvitee(at, invitee.Start + TimeSpan.FromSeconds(60) - at, "reschedule (new invitee)", invitee);
        Canceled(invitee, at, rescheduled: true);
        Created(moved, at + Seconds(-1, 1));
    }

    /// <summary>A cancel, then a late repeat of the create: the repeat must not revive the booking.</summary>
    private void RepeatAfterCancel(Invitee invitee, DateTimeOffset now)
    {
        var cancelAt = now + Seconds(5, 20);
        Canceled(invitee, cancelAt);
        Created(invitee, cancelAt + Seconds(2, 20));
    }

    /// <summary>
    /// The client taps a button of the attendance check some seconds after it arrives: mostly its own "decline" or
    /// "attend", sometimes a "decline" from another number (a forwarded message), which must change nothing.
    /// </summary>
    private void AnswerReconfirm(Invitee invitee, DateTimeOffset now)
    {
        var pick = random.Next(10);
        invitee.Answer = new PlannedAnswer(
            Choice: pick < 7 ? "decline" : "attend",
            After: Seconds(2, 15),
            OtherPhone: pick is 5 or 6 ? NewPhone() : null,
            Interactive: random.Next(4) == 0,
            Twice: random.Next(3) == 0);
    }

    /// <summary>
    /// Calendly marks the client a no-show a little after the meeting started, or (a third of the time, unless that is
    /// after the faults) only after its follow-up went; sometimes it delivers the mark twice, and sometimes the mark is
    /// taken back.
    /// </summary>
    private void MarkNoShow(Invitee invitee, DateTimeOffset now)
    {
        var late = invitee.End + ChaosSettings.FollowUpDelay + Seconds(20, 40);
        var marked = random.Next(3) == 0 && late < quietAfter ? late : invitee.Start + Seconds(5, 20);
        var body = CalendlyWebhooks.InviteeNoShow(invitee.Id, invitee.Phone, invitee.Start, end: invitee.End);
        invitee.Add(new Delivery(invitee.Id, "invitee_no_show.created", body, marked));
        if (random.Next(4) == 0)
        {
            invitee.Add(new Delivery(invitee.Id, "invitee_no_show.created", body, marked + Seconds(1, 10)));
        }
        if (random.Next(3) == 0)
        {
            invitee.Add(new Delivery(invitee.Id, "invitee_no_show.deleted",
                CalendlyWebhooks.InviteeNoShow(invitee.Id, invitee.Phone, invitee.Start, created: false, end: invitee.End), marked + Seconds(10, 30)));
        }
    }

    /// <summary>Calendly never delivers the create (its retries ran out): only its API shows the booking.</summary>
    private static void LoseCreate(Invitee invitee, DateTimeOffset now)
    {
        invitee.Forget("invitee.created");
        invitee.CreateLost = true;
    }

    /// <summary>Cancelled soon after booking, but the cancel's webhook is never delivered: only the API shows it cancelled.</summary>
    private void LoseCancel(Invitee invitee, DateTimeOffset now)
    {
        invitee.Cancelled = (now + Seconds(10, 40), false);
        invitee.CancelLost = true;
    }

    /// <summary>
    /// The client sends STOP some time between its booking and shortly before the meeting: before or after its bio,
    /// attendance check or reminder fell due, none of which may reach it afterwards.
    /// </summary>
    private void SendStop(Invitee invitee, DateTimeOffset now, bool byUserId) =>
        invitee.Stop = new PlannedStop(Seconds(20, Math.Max(21, (Before(invitee.Start - TimeSpan.FromSeconds(30)) - now).TotalSeconds)), byUserId);

    private DateTimeOffset Before(DateTimeOffset at) => at < quietAfter ? at : quietAfter;

    private TimeSpan Seconds(double from, double to) => TimeSpan.FromSeconds(from + ((to - from) * random.NextDouble()));
}
