using System.Security.Claims;

namespace Turtle.Api.Access;

/// <summary>
/// Who is acting, the same shape whether a person signed in to the console or a machine sent a named key: a name for
/// the audit and one role.
/// </summary>
public static class StaffPrincipal
{
    /// <summary>How the actor proved who they are: <c>person</c> (console sign-in) or <c>key</c> (<c>X-Api-Key</c>).</summary>
    public const string KindClaim = "turtle:actor-kind";
    public const string Person = "person";
    public const string Key = "key";

    public static ClaimsPrincipal Create(string name, StaffRole role, string kind, string scheme, params Claim[] extra) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.Name()), new Claim(KindClaim, kind), .. extra],
            scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The role the principal holds, or null when it holds none (not signed in, or a cookie from before roles).</summary>
    public static StaffRole? RoleOf(ClaimsPrincipal? principal) =>
        principal?.Identity?.IsAuthenticated == true && StaffRoles.TryParse(principal.FindFirst(ClaimTypes.Role)?.Value, out var role) ? role : null;

    public static bool Holds(this ClaimsPrincipal? principal, StaffRole needed) => RoleOf(principal) is { } role && role.Includes(needed);

    /// <summary>The name the audit shows: the person's name or e-mail, or the key's name.</summary>
    public static string NameOf(ClaimsPrincipal? principal) => principal?.Identity?.Name is { Length: > 0 } name ? name : "unknown";
}
