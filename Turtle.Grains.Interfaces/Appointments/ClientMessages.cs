namespace Turtle.Grains.Appointments;

/// <summary>The three answers of the Reconfirm message's quick-reply buttons (SPEC §15).</summary>
[GenerateSerializer, Alias("Turtle.AttendanceChoice")]
public enum AttendanceChoice
{
    Attend = 0,
    Decline = 1,
    /// <summary>Cancel the meeting: Turtle cancels it at Calendly.</summary>
    Cancel = 2,
}

/// <summary>
/// What a Reconfirm button carries back (SPEC §6, §15): <c>&lt;appointment id&gt;:attend</c>, <c>:decline</c> or <c>:cancel</c>.
/// Written into the template request by the silo, read from Meta's webhook by the API.
/// </summary>
public static class AttendanceButton
{
    public const string Attend = "attend";
    public const string Decline = "decline";
    public const string Cancel = "cancel";

    public static string Word(AttendanceChoice choice) => choice switch
    {
        AttendanceChoice.Attend => Attend,
        AttendanceChoice.Cancel => Cancel,
        _ => Decline,
    };

    public static string For(string appointmentId, AttendanceChoice choice) => For(appointmentId, Word(choice));

    /// <summary>The payload of a quick-reply button whose answer is <paramref name="word"/>, for <paramref name="appointmentId"/>.</summary>
    public static string For(string appointmentId, string word) => $"{appointmentId}:{word}";

    public static bool TryParse(string? payload, out string appointmentId, out AttendanceChoice choice)
    {
        appointmentId = "";
        choice = default;
        var separator = payload?.LastIndexOf(':') ?? -1;
        if (payload is null || separator <= 0 || !InviteeId.IsValid(payload[..separator]))
        {
            return false;
        }
        switch (payload[(separator + 1)..])
        {
            case Attend:
                choice = AttendanceChoice.Attend;
                break;
            case Decline:
                choice = AttendanceChoice.Decline;
                break;
            case Cancel:
                choice = AttendanceChoice.Cancel;
                break;
            default:
                return false;
        }
        appointmentId = InviteeId.Normalize(payload[..separator]);
        return true;
    }
}

/// <summary>A tap on a Reconfirm button, as Meta reported it.</summary>
/// <param name="From">The sender, E.164 (<c>+</c> and Meta's <c>from</c> digits).</param>
/// <param name="Choice">Attend, decline or cancel.</param>
/// <param name="MessageId">Meta's id of the client's message.</param>
/// <param name="At">When the client tapped it (Meta's timestamp).</param>
[GenerateSerializer, Immutable, Alias("Turtle.AttendanceAnswer")]
public sealed record AttendanceAnswer(
    [property: Id(0)] string From,
    [property: Id(1)] AttendanceChoice Choice,
    [property: Id(2)] string? MessageId,
    [property: Id(3)] DateTimeOffset At);

/// <summary>Calendly marked the invitee a no-show (<c>invitee_no_show.created</c>) or took the mark back (<c>.deleted</c>).</summary>
[GenerateSerializer, Immutable, Alias("Turtle.NoShowMark")]
public sealed record NoShowMark
{
    [Id(0)] public required string InviteeId { get; init; }
    /// <summary>True for <c>invitee_no_show.created</c>, false for <c>invitee_no_show.deleted</c>.</summary>
    [Id(1)] public required bool NoShow { get; init; }
    [Id(2)] public DateTimeOffset At { get; init; }
    /// <summary>What delivered it (<see cref="BookingSources"/>).</summary>
    [Id(3)] public string Source { get; init; } = BookingSources.Webhook;
}

/// <summary>A message the client sent in (text, or a button that is not a Reconfirm answer), as the booking keeps it.</summary>
/// <param name="At">When the client sent it (Meta's timestamp).</param>
/// <param name="Text">What it said, cut to <see cref="MaxLength"/> characters.</param>
/// <param name="MessageId">Meta's id of the message: a redelivery is recorded once.</param>
[GenerateSerializer, Immutable, Alias("Turtle.ClientReply")]
public sealed record ClientReply([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Text, [property: Id(2)] string? MessageId)
{
    /// <summary>Longest text kept per reply (WhatsApp allows 4,096): bounds the booking's state.</summary>
    public const int MaxLength = 1_000;
}

/// <summary>One line of a booking's history: what happened, when, and by whom (<see cref="BookingSources"/>).</summary>
[GenerateSerializer, Immutable, Alias("Turtle.HistoryEntry")]
public sealed record HistoryEntry([property: Id(0)] DateTimeOffset At, [property: Id(1)] string What, [property: Id(2)] string By);
