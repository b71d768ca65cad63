using System.Globalization;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Advisors;

/// <summary>
/// One advisor's agenda for one day of the firm's calendar (<c>Notifications:FirmTimeZone</c>), keyed by
/// <see cref="AgendaKey"/>: a durable schedule that sends that day's meetings at <c>Notifications:AgendaTime</c>, once.
/// </summary>
public interface IAdvisorAgendaGrain : IGrainWithStringKey
{
    /// <summary>
    /// The advisor has a meeting that day: arm the schedule if it is not armed yet. Answered at once (the booking that
    /// calls it does not wait); repeating it changes nothing; after the agenda time it does nothing.
    /// </summary>
    [OneWay]
    Task ArmAsync();

    [AlwaysInterleave]
    Task<AgendaView> GetAsync();

    /// <summary>Applies a WhatsApp delivery status about the agenda message; whether it was about it.</summary>
    Task<bool> ApplyDeliveryStatusAsync(DeliveryStatusUpdate update);
}

/// <summary>The day's meetings of every advisor, read once from the per-day booking index however many agendas ask (key: the day, <c>yyyy-MM-dd</c>).</summary>
public interface IDayMeetingsGrain : IGrainWithStringKey
{
    /// <summary>The advisor's meetings that day as they stand now (cancelled and moved ones gone), by start time.</summary>
    Task<IReadOnlyList<AgendaMeeting>> ForAdvisorAsync(string advisorEmail);
}

/// <summary>One meeting of an advisor's day.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.AgendaMeeting")]
public sealed record AgendaMeeting([property: Id(0)] string AppointmentId, [property: Id(1)] DateTimeOffset Start, [property: Id(2)] string ClientName);

/// <summary>An advisor's agenda of one day and what became of it.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.AgendaView")]
public sealed record AgendaView
{
    [Id(0)] public required DateOnly Day { get; init; }
    [Id(1)] public required string AdvisorEmail { get; init; }
    [Id(2)] public required DateTimeOffset DueAt { get; init; }
    [Id(3)] public required NotificationState State { get; init; }
    /// <summary>Whether the schedule is armed in this activation (a reminder points at the agenda time).</summary>
    [Id(4)] public bool Armed { get; init; }
    [Id(5)] public int MeetingCount { get; init; }
    /// <summary>The list as sent: <c>10:00 Asha R.; 14:30 Ravi M.</c></summary>
    [Id(6)] public string? Agenda { get; init; }
    [Id(7)] public int Attempts { get; init; }
    [Id(8)] public DateTimeOffset? SentAt { get; init; }
    [Id(9)] public string? MessageId { get; init; }
    [Id(10)] public string? LastError { get; init; }
}

/// <summary>The key of an advisor's agenda grain: <c>yyyy-MM-dd/email</c> (the firm's day, the lower-cased email).</summary>
public static class AgendaKey
{
    private const string DayFormat = "yyyy-MM-dd";

    public static string For(DateOnly day, string advisorEmail)
    {
        ArgumentNullException.ThrowIfNull(advisorEmail);
        return $"{DayText(day)}/{advisorEmail.Trim().ToLowerInvariant()}";
    }

    public static string DayText(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    public static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, DayFormat, CultureInfo.InvariantCulture);

    public static (DateOnly Day, string AdvisorEmail) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new FormatException($"'{key}' is not an agenda key (yyyy-MM-dd/email).");
        }
        return (ParseDay(key[..slash]), key[(slash + 1)..]);
    }
}
