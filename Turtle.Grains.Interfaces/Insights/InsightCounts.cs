using Turtle.Grains.Appointments;

namespace Turtle.Grains.Insights;

/// <summary>The counts of SPEC §16 over some bookings (a day's, a week's, an advisor's), and the rates they give.</summary>
[GenerateSerializer, Alias("Turtle.InsightCounts")]
public sealed class InsightCounts
{
    [Id(0)] public int Bookings { get; set; }
    [Id(1)] public int Cancelled { get; set; }
    [Id(2)] public int Rescheduled { get; set; }
    [Id(3)] public int ReconfirmsDelivered { get; set; }
    [Id(4)] public int AttendTaps { get; set; }
    [Id(5)] public int DeclineTaps { get; set; }
    [Id(6)] public int CancelTaps { get; set; }
    [Id(7)] public int NoShows { get; set; }
    [Id(8)] public int FollowUps { get; set; }
    /// <summary>Meetings not cancelled whose time has passed (or marked no-show): the no-show rate's denominator.</summary>
    [Id(9)] public int HeldOrMissed { get; set; }
    [Id(10)] public Dictionary<NotificationKind, MessageCounts> Messages { get; set; } = [];

    /// <summary>attend ÷ Reconfirms delivered; null when none was delivered.</summary>
    public double? ConfirmationRate => Rate(AttendTaps, ReconfirmsDelivered);

    /// <summary>no-shows ÷ meetings held or missed.</summary>
    public double? NoShowRate => Rate(NoShows, HeldOrMissed);

    /// <summary>read ÷ delivered, over every kind.</summary>
    public double? ReadRate => Rate(Messages.Values.Sum(m => m.Read), Messages.Values.Sum(m => m.Delivered));

    public static double? Rate(int part, int whole) => whole == 0 ? null : (double)part / whole;

    /// <summary>Counts one booking's tally; <paramref name="now"/> decides whether its meeting is over.</summary>
    public void Add(BookingTally tally, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var marks = tally.Marks;
        Bookings++;
        Cancelled += marks.HasFlag(TallyMarks.Cancelled) ? 1 : 0;
        Rescheduled += marks.HasFlag(TallyMarks.Rescheduled) ? 1 : 0;
        ReconfirmsDelivered += marks.HasFlag(TallyMarks.ReconfirmDelivered) ? 1 : 0;
        AttendTaps += marks.HasFlag(TallyMarks.AttendTap) ? 1 : 0;
        DeclineTaps += marks.HasFlag(TallyMarks.DeclineTap) ? 1 : 0;
        CancelTaps += marks.HasFlag(TallyMarks.CancelTap) ? 1 : 0;
        NoShows += marks.HasFlag(TallyMarks.NoShow) ? 1 : 0;
        FollowUps += marks.HasFlag(TallyMarks.FollowUpSent) ? 1 : 0;
        // Calendly's no-show mark says the meeting was missed, whatever the clock says.
        var ended = (marks & (TallyMarks.Cancelled | TallyMarks.Rescheduled)) == 0 && (tally.End <= now || marks.HasFlag(TallyMarks.NoShow));
        HeldOrMissed += ended ? 1 : 0;
        foreach (var message in tally.Messages)
        {
            KindCounts(message.Kind).Add(message);
        }
    }

    public void Add(InsightCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Bookings += other.Bookings;
        Cancelled += other.Cancelled;
        Rescheduled += other.Rescheduled;
        ReconfirmsDelivered += other.ReconfirmsDelivered;
        AttendTaps += other.AttendTaps;
        DeclineTaps += other.DeclineTaps;
        CancelTaps += other.CancelTaps;
        NoShows += other.NoShows;
        FollowUps += other.FollowUps;
        HeldOrMissed += other.HeldOrMissed;
        foreach (var (kind, counts) in other.Messages)
        {
            KindCounts(kind).Add(counts);
        }
    }

    private MessageCounts KindCounts(NotificationKind kind)
    {
        if (!Messages.TryGetValue(kind, out var counts))
        {
            Messages[kind] = counts = new MessageCounts();
        }
        return counts;
    }
}

/// <summary>One kind's messages: how many got how far, and a histogram of their lateness.</summary>
[GenerateSerializer, Alias("Turtle.MessageCounts")]
public sealed class MessageCounts
{
    /// <summary>Upper bounds (seconds) of the lateness buckets, as <c>turtle_message_lateness_seconds</c> has them; one more bucket holds the rest.</summary>
    public static readonly IReadOnlyList<double> LatenessBounds = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 21600, 86400];

    [Id(0)] public int Sent { get; set; }
    [Id(1)] public int Delivered { get; set; }
    [Id(2)] public int Read { get; set; }
    [Id(3)] public int Failed { get; set; }
    /// <summary>Messages per lateness bucket (<see cref="LatenessBounds"/>, then one over the last bound).</summary>
    [Id(4)] public int[] Lateness { get; set; } = new int[LatenessBounds.Count + 1];

    /// <summary>
    /// The bucket bound under which 95 % of the messages went (seconds): an upper estimate, as a Prometheus
    /// <c>histogram_quantile</c> would read the same buckets; null with nothing sent; infinity past the last bound.
    /// </summary>
    public double? LatenessP95 => Quantile(0.95);

    public double? Quantile(double q)
    {
        var total = Lateness.Sum();
        if (total == 0)
        {
            return null;
        }
        var rank = Math.Ceiling(q * total);
        var seen = 0;
        for (var i = 0; i < Lateness.Length; i++)
        {
            seen += Lateness[i];
            if (seen >= rank)
            {
                return i < LatenessBounds.Count ? LatenessBounds[i] : double.PositiveInfinity;
            }
        }
        return double.PositiveInfinity;
    }

    public void Add(MessageTally message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Sent += message.Progress.HasFlag(MessageProgress.Sent) ? 1 : 0;
        Delivered += message.Progress.HasFlag(MessageProgress.Delivered) ? 1 : 0;
        Read += message.Progress.HasFlag(MessageProgress.Read) ? 1 : 0;
        Failed += message.Progress.HasFlag(MessageProgress.Failed) ? 1 : 0;
        if (message.LatenessMs is { } ms)
        {
            Lateness[Bucket(ms / 1000.0)]++;
        }
    }

    public void Add(MessageCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Sent += other.Sent;
        Delivered += other.Delivered;
        Read += other.Read;
        Failed += other.Failed;
        for (var i = 0; i < Lateness.Length && i < other.Lateness.Length; i++)
        {
            Lateness[i] += other.Lateness[i];
        }
    }

    private static int Bucket(double seconds)
    {
        for (var i = 0; i < LatenessBounds.Count; i++)
        {
            if (seconds <= LatenessBounds[i])
            {
                return i;
            }
        }
        return LatenessBounds.Count;
    }
}
