using Turtle.Testing.Calendly;

namespace Turtle.Chaos;

/// <summary>One invitee as the Calendly-like client made it: its meeting, and the deliveries about it.</summary>
public sealed class Invitee
{
    public required string Id { get; init; }
    public required string Phone { get; init; }
    public required DateTimeOffset Start { get; init; }
    /// <summary>Set for the new invitee of a reschedule: it gets Rescheduled, not Confirmation.</summary>
    public string? OldInviteeId { get; init; }
    public List<Delivery> Deliveries { get; } = [];
}

/// <summary>
/// What the client streams: bookings whose bio and reminder fall due during the run, and around them the ways Calendly
/// delivers (repeats, cancels, cancels overtaking their create, reschedules as a cancel plus a new invitee). Each
/// behaviour is one entry of <see cref="Behaviours"/> with its weight; the verdict reads only the deliveries, so a new
/// event (a no-show, a button reply) is a new behaviour plus its rule in <see cref="Verdict"/>.
/// </summary>
public sealed class Scenario(Random random)
{
    private readonly List<Invitee> _invitees = [];

    public IReadOnlyList<Invitee> Invitees => _invitees;

    /// <summary>Behaviours and their weights.</summary>
    private (int Weight, Action<Invitee, DateTimeOffset> Plan)[] Behaviours =>
    [
        (50, (_, _) => { }),
        (15, Repeat),
        (15, Cancel),
        (5, CancelBeforeCreate),
        (10, Reschedule),
        (5, RepeatAfterCancel),
    ];

    /// <summary>A new booking made now, meeting between <see cref="ChaosSettings.EarliestStart"/> and <paramref name="latestStart"/> from now, with its deliveries.</summary>
    public Invitee Next(DateTimeOffset now, TimeSpan latestStart)
    {
        var invitee = NewInvitee(now, latestStart, oldInviteeId: null);
        var total = Behaviours.Sum(b => b.Weight);
        var pick = random.Next(total);
        foreach (var (weight, plan) in Behaviours)
        {
            if ((pick -= weight) < 0)
            {
                Created(invitee, now);
                plan(invitee, now);
                break;
            }
        }
        return invitee;
    }

    private Invitee NewInvitee(DateTimeOffset now, TimeSpan latestStart, string? oldInviteeId)
    {
        var earliest = ChaosSettings.EarliestStart;
        var ahead = latestStart > earliest ? earliest + ((latestStart - earliest) * random.NextDouble()) : earliest;
        var invitee = new Invitee
        {
            Id = Guid.NewGuid().ToString(),
            Phone = "+91 9" + random.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Start = now + ahead,
            OldInviteeId = oldInviteeId,
        };
        _invitees.Add(invitee);
        return invitee;
    }

    private static void Created(Invitee invitee, DateTimeOffset at) => invitee.Deliveries.Add(new Delivery(invitee.Id, "invitee.created",
        CalendlyWebhooks.InviteeCreated(invitee.Id, invitee.Phone, invitee.Start, oldInviteeId: invitee.OldInviteeId), at));

    private static void Canceled(Invitee invitee, DateTimeOffset at, bool rescheduled = false) => invitee.Deliveries.Add(new Delivery(invitee.Id, "invitee.canceled",
        CalendlyWebhooks.InviteeCanceled(invitee.Id, invitee.Phone, invitee.Start, rescheduled), at));

    /// <summary>Calendly delivers the same event again.</summary>
    private void Repeat(Invitee invitee, DateTimeOffset now) => Created(invitee, now + Seconds(1, 30));

    /// <summary>Cancelled some time before the meeting: before or after its bio or reminder fell due.</summary>
    private void Cancel(Invitee invitee, DateTimeOffset now) => Canceled(invitee, now + ((invitee.Start - now - TimeSpan.FromSeconds(5)) * random.NextDouble()));

    /// <summary>The cancel overtakes its create: the booking must stay cancelled and silent.</summary>
    private void CancelBeforeCreate(Invitee invitee, DateTimeOffset now)
    {
        invitee.Deliveries.Clear();
        Canceled(invitee, now);
        Created(invitee, now + Seconds(3, 10));
    }

    /// <summary>Moved: the old invitee is cancelled (rescheduled=true) and a new one created that names it, in either order.</summary>
    private void Reschedule(Invitee invitee, DateTimeOffset now)
    {
        var at = now + Seconds(5, Math.Max(6, (invitee.Start - now).TotalSeconds - 20));
        // The new time is at most a minute after the old one, or as soon as a booking may be: its messages fall due in the run.
        var moved = NewInvitee(at, invitee.Start + TimeSpan.FromSeconds(60) - at, invitee.Id);
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

    private TimeSpan Seconds(double from, double to) => TimeSpan.FromSeconds(from + ((to - from) * random.NextDouble()));
}
