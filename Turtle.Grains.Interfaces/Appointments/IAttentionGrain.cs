namespace Turtle.Grains.Appointments;

/// <summary>
/// The bookings that need a person (SPEC §4, <c>GET /api/attention</c>), kept by the bookings themselves: a booking
/// raises a reason when it arises and clears it when it no longer holds, so listing never reads the bookings.
/// One grain, key 0: attention is rare next to bookings.
/// </summary>
public interface IAttentionGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Adds or refreshes the entry for (<see cref="AttentionEntry.AppointmentId"/>, <see cref="AttentionEntry.Reason"/>);
    /// repeating it changes nothing, and an occurrence already cleared (same or earlier <see cref="AttentionEntry.Since"/>)
    /// is not listed again, so bookings may tell it more than once.
    /// </summary>
    Task RaiseAsync(AttentionEntry entry);

    /// <summary>Removes that entry (the reason no longer holds, or a person marked it handled); a missing one is fine.</summary>
    Task ClearAsync(string appointmentId, string reason);

    /// <summary>Every open entry, newest first.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<AttentionEntry>> ListAsync();
}

/// <summary>One booking that needs a person, as <c>GET /api/attention</c> lists it.</summary>
/// <param name="AppointmentId">The booking (Calendly invitee UUID); for <c>template</c>, the template's <c>name:language</c>.</param>
/// <param name="Reason">One of <see cref="AttentionReasonCodes"/>.</param>
/// <param name="Since">When the reason arose.</param>
/// <param name="Client">The client's name with the masked phone; never the full number.</param>
/// <param name="MeetingTime">When the meeting starts.</param>
/// <param name="Detail">What happened, in a line.</param>
/// <param name="Kind">For <c>message-failed</c>: the failed message's kind, which retry needs.</param>
[GenerateSerializer, Immutable, Alias("Turtle.AttentionEntry")]
public sealed record AttentionEntry(
    [property: Id(0)] string AppointmentId,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] string? Client,
    [property: Id(4)] DateTimeOffset? MeetingTime,
    [property: Id(5)] string? Detail,
    [property: Id(6)] NotificationKind? Kind = null);

/// <summary>The reasons of SPEC §4's attention list.</summary>
public static class AttentionReasonCodes
{
    public const string NoPhone = "no-phone";
    public const string NoAdvisor = "no-advisor";
    public const string MessageFailed = "message-failed";
    public const string OptedOut = "opted-out";
    public const string Declined = "declined";
    public const string NoShow = "no-show";
    public const string ClientReplied = "client-replied";
    public const string AdvisorNoPhone = "advisor-no-phone";

    /// <summary>The client tapped "cancel" and Turtle could not cancel the meeting at Calendly (no API token, or Calendly refused).</summary>
    public const string CancelRequested = "cancel-requested";

    /// <summary>
    /// A message from a WhatsApp user Meta named only by their BSUID, not linked to any number (SPEC §6): the entry's
    /// appointment id names the message, not a booking.
    /// </summary>
    public const string UnmatchedReply = "unmatched-reply";

    /// <summary>
    /// A template Meta does not let Turtle send as intended (not approved, or re-categorised): one entry per template and
    /// language, keyed by <c>Turtle.Grains.Templates.TemplateKey</c> in place of a booking.
    /// </summary>
    public const string Template = "template";
}
