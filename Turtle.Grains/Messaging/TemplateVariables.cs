using System.Collections.Frozen;

namespace Turtle.Grains.Messaging;

/// <summary>The variable names a template's body parameters may use (SPEC §6).</summary>
public static class TemplateVariables
{
    public const string ClientName = "client_name";
    public const string ClientFirstName = "client_first_name";
    public const string AdvisorName = "advisor_name";
    public const string AdvisorBio = "advisor_bio";
    public const string AdvisorTitle = "advisor_title";
    public const string AdvisorPhone = "advisor_phone";
    public const string MeetingTime = "meeting_time";
    public const string MeetingDate = "meeting_date";
    public const string EventName = "event_name";
    public const string JoinUrl = "join_url";
    public const string CancelUrl = "cancel_url";
    public const string RescheduleUrl = "reschedule_url";
    /// <summary><c>Calendly:BookingUrl</c>, else the booking's <c>reschedule_url</c>.</summary>
    public const string BookingUrl = "booking_url";
    public const string ClientAnswers = "client_answers";
    public const string CancelReason = "cancel_reason";
    public const string MeetingCount = "meeting_count";
    public const string Agenda = "agenda";

    public static FrozenSet<string> All { get; } = FrozenSet.ToFrozenSet(
    [
        ClientName, ClientFirstName, AdvisorName, AdvisorBio, AdvisorTitle, AdvisorPhone,
        MeetingTime, MeetingDate, EventName, JoinUrl, CancelUrl, RescheduleUrl, BookingUrl,
        ClientAnswers, CancelReason, MeetingCount, Agenda,
    ], StringComparer.Ordinal);
}
