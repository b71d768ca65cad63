using System.Text.RegularExpressions;

namespace Turtle.Grains.Messaging;

/// <summary>
/// A WhatsApp user as Meta names them to this business: their business-scoped user id (BSUID), which Meta's webhooks
/// carry since April 2026 and which is all a user who adopted a username may be known by
/// (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/). Keyed by the
/// BSUID; keeps the phone number a webhook carrying both named, so what the user sends under the BSUID alone reaches
/// that number's client.
/// </summary>
public interface IWhatsAppUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Meta named this user with their phone number (E.164) too: keep the link; a later number replaces it (Meta gives a
    /// user who changes number a new BSUID, so a different one here is the newer word). A STOP or START the user sent
    /// while unlinked is applied to the number now.
    /// </summary>
    Task LinkAsync(string phone);

    /// <summary>The linked number (E.164), or null.</summary>
    [AlwaysInterleave]
    Task<string?> PhoneAsync();

    /// <summary>
    /// The number a message naming only this BSUID is from. When none is linked the message is listed under
    /// <c>unmatched-reply</c> with its text (never dropped), a STOP or START is kept until a link comes, and the answer is null.
    /// </summary>
    Task<string?> ResolveAsync(WhatsAppUserMessage message);

    /// <summary>
    /// The client of <paramref name="phone"/> was erased (SPEC §13): when this user is linked to that number, the link goes,
    /// with the <c>unmatched-reply</c> entries the user's messages put on the attention list before it came; a STOP still
    /// waiting here is applied to the number first, so it stays silenced (kept as a hash by the number's own erasure).
    /// A link to another number is left alone. Whether the link was to <paramref name="phone"/>; repeating it is harmless.
    /// </summary>
    Task<bool> ForgetAsync(string phone);
}

/// <summary>
/// The BSUIDs Meta linked to one number, keyed by <see cref="Clients.ClientHash.Of"/> of the number: told by each
/// <see cref="IWhatsAppUserGrain"/> as it links, so an erasure of the number finds every link to forget without a scan.
/// </summary>
public interface INumberUserIdsGrain : IGrainWithStringKey
{
    /// <summary>Meta linked <paramref name="userId"/> to the number; stored before it returns, once per id.</summary>
    Task AddAsync(string userId);

    /// <summary>Every BSUID ever linked to the number (a later link may have taken one elsewhere).</summary>
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>The number's client was erased: the list goes.</summary>
    Task ForgetAsync();
}

/// <summary>What a user named only by their BSUID sent, as far as an unlinked one must keep it.</summary>
/// <param name="MessageId">Meta's id of the message: a redelivery is listed once.</param>
/// <param name="At">When the user sent it.</param>
/// <param name="Text">The text, or the tapped button's label or payload.</param>
/// <param name="Name">The profile name Meta gave (<c>contacts[].profile.name</c>), or the username.</param>
/// <param name="OptOut">True for a STOP (or a STOP-like button), false for a START, null for anything else.</param>
[GenerateSerializer, Immutable, Alias("Turtle.WhatsAppUserMessage")]
public sealed record WhatsAppUserMessage(
    [property: Id(0)] string? MessageId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Text,
    [property: Id(3)] string? Name,
    [property: Id(4)] bool? OptOut);

/// <summary>The shape of a BSUID.</summary>
public static partial class BusinessScopedUserId
{
    /// <summary>
    /// Whether <paramref name="id"/> is a BSUID: the user's two-letter ISO country code, a period, and up to 128
    /// alphanumeric characters (e.g. <c>US.13491208655302741918</c>), as Meta's business-scoped user ids page describes it.
    /// A parent BSUID (<c>US.ENT.…</c>, shared across linked portfolios) is not one.
    /// </summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Z]{2}\\.[A-Za-z0-9]{1,128}$")]
    private static partial Regex Pattern();
}
