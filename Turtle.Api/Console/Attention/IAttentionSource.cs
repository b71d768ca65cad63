namespace Turtle.Api.OperationsConsole.Attention;

/// <summary>
/// Where the console's <c>/attention</c> page gets the bookings that need a person (SPEC §4, <c>GET /api/attention</c>):
/// <see cref="ClusterAttentionSource"/>, the list the bookings keep in the cluster.
/// </summary>
public interface IAttentionSource
{
    Task<AttentionList> GetAsync();
}

/// <param name="Items">Newest first.</param>
/// <param name="Limitation">What the list cannot show, said on the page; null when it is the complete list.</param>
public sealed record AttentionList(IReadOnlyList<AttentionItem> Items, string? Limitation);

/// <summary>
/// One booking that needs a person, shaped like an item of <c>GET /api/attention</c>
/// (<c>appointmentId, reason, since, client, meetingTime, detail</c>).
/// </summary>
/// <param name="AppointmentId">The booking (Calendly invitee UUID).</param>
/// <param name="Reason">One of <see cref="AttentionReasons"/>' codes (<c>no-phone</c>, <c>message-failed</c>, …).</param>
/// <param name="Since">When it began to need attention; null when not known.</param>
/// <param name="Client">The client's name (and masked phone, never the full number).</param>
/// <param name="MeetingTime">When the meeting starts.</param>
/// <param name="Detail">What went wrong, in a line.</param>
/// <param name="FailedKind">For <c>message-failed</c>: the failed message's kind, which the retry action needs.</param>
public sealed record AttentionItem(
    string AppointmentId,
    string Reason,
    DateTimeOffset? Since,
    string? Client,
    DateTimeOffset? MeetingTime,
    string? Detail,
    string? FailedKind = null);
