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

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex Pattern();
}
