using Turtle.Grains.Appointments;

namespace Turtle.Grains.Insights;

/// <summary>What a booking contributes to the counts of SPEC §16, besides its messages.</summary>
[Flags, GenerateSerializer, Alias("Turtle.TallyMarks")]
public enum TallyMarks
{
    None = 0,
    Cancelled = 1,
    /// <summary>Cancelled because the client picked another time (the new booking counts on its own).</summary>
    Rescheduled = 2,
    ReconfirmDelivered = 4,
    AttendTap = 8,
    DeclineTap = 16,
    CancelTap = 32,
    NoShow = 64,
    FollowUpSent = 128,
}

/// <summary>
/// One booking as the counts see it, derived from its stored state alone (never from the clock), so telling it twice
/// counts it once: the day's counts hold each booking's latest tally, not a sum of events.
/// </summary>
[GenerateSerializer, Immutable, Alias("Turtle.BookingTally")]
public sealed record BookingTally
{
    /// <summary>The assigned advisor's e-mail, lower-cased; empty when none was assigned.</summary>
    [Id(0)] public string Advisor { get; init; } = "";
    [Id(1)] public string? AdvisorName { get; init; }
    [Id(2)] public TallyMarks Marks { get; init; }
    /// <summary>The meeting's end: a meeting not cancelled is "held or missed" once it has ended.</summary>
    [Id(3)] public DateTimeOffset End { get; init; }
    [Id(4)] public IReadOnlyList<MessageTally> Messages { get; init; } = [];

    /// <summary>A compact text of everything counted: equal signatures, equal counts (what a booking last told is kept as this).</summary>
    public string Signature() =>
        $"{Advisor}|{(int)Marks}|{End.UtcTicks}|{string.Join(';', Messages.Select(m => $"{(int)m.Kind}:{(int)m.Progress}:{m.LatenessMs}"))}";
}

/// <summary>How far one message got.</summary>
[Flags, GenerateSerializer, Alias("Turtle.MessageProgress")]
public enum MessageProgress
{
    None = 0,
    Sent = 1,
    Delivered = 2,
    Read = 4,
    Failed = 8,
}

/// <summary>One of a booking's messages: how far it got, and how late Meta took it (null: not sent, or sent again by a person).</summary>
[GenerateSerializer, Immutable, Alias("Turtle.MessageTally")]
public sealed record MessageTally(
    [property: Id(0)] NotificationKind Kind,
    [property: Id(1)] MessageProgress Progress,
    [property: Id(2)] int? LatenessMs);
