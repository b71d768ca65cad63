using System.Text.RegularExpressions;

namespace Turtle.Grains.Appointments;

/// <summary>
/// A booking's key: the Calendly invitee id, the last segment of the invitee URI (a UUID, or one of Calendly's older
/// 16-character ids), lower-cased. The webhooks, the API routes and the grains all read it through here.
/// </summary>
public static partial class InviteeId
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>The id as grains are keyed: lower case.</summary>
    public static string Normalize(string id) => id.ToLowerInvariant();

    /// <summary>The normalized id at the end of an invitee URI, or null when the URI does not end in one.</summary>
    public static string? FromUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var path = Uri.TryCreate(uri, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : uri;
        path = path.TrimEnd('/');
        var last = path[(path.LastIndexOf('/') + 1)..];
        return IsValid(last) ? Normalize(last) : null;
    }

    /// <summary>
    /// The normalized invitee id of an invitee URI (<c>…/scheduled_events/{event id}/invitees/{invitee id}</c>, as Calendly's
    /// Get Event Invitee names it: https://developer.calendly.com/api-docs/calendly-api/scheduled-events/get-event-invitee),
    /// or null for anything else: an event's URI, a URI with other segments, or ids that are neither UUIDs nor Calendly's
    /// older 16-character ids (e.g. <c>GBGBDCAADAEDCRZ2</c>, still in Calendly's examples).
    /// </summary>
    public static string? FromInviteeUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var path = Uri.TryCreate(uri, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : uri;
        var match = InviteeUriPattern().Match(path);
        return match.Success ? Normalize(match.Groups["invitee"].Value) : null;
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex Pattern();

    private const string CalendlyId = "(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Za-z0-9]{16})";

    [GeneratedRegex("(?:^|/)scheduled_events/" + CalendlyId + "/invitees/(?<invitee>" + CalendlyId + ")/?$")]
    private static partial Regex InviteeUriPattern();
}
