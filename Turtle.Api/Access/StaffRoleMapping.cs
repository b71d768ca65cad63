using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Turtle.Api.Access;

/// <summary>
/// Which role a person signed in at the firm's provider holds: every value of <c>Auth:RoleClaim</c> that names a role,
/// and every <c>Auth:Roles:&lt;role&gt;</c> list that holds their e-mail; the highest counts. None: they are not let in.
/// </summary>
public sealed class StaffRoleMapping(IOptions<AuthOptions> options)
{
    /// <summary>The e-mail claims providers send, in order of trust: OIDC's own, then Entra ID's sign-in names.</summary>
    private static readonly string[] EmailClaims = ["email", "preferred_username", "upn", ClaimTypes.Email];

    public StaffRole? RoleOf(IEnumerable<Claim> claims)
    {
        var list = claims as IReadOnlyCollection<Claim> ?? [.. claims];
        StaffRole? best = null;
        foreach (var claim in list.Where(c => c.Type == options.Value.RoleClaim))
        {
            if (StaffRoles.TryParse(claim.Value, out var role) && (best is null || role > best))
            {
                best = role;
            }
        }
        if (EmailOf(list) is { } email)
        {
            foreach (var (name, emails) in options.Value.Roles)
            {
                if (StaffRoles.TryParse(name, out var role) && (best is null || role > best)
                    && emails.Any(e => string.Equals(e.Trim(), email, StringComparison.OrdinalIgnoreCase)))
                {
                    best = role;
                }
            }
        }
        return best;
    }

    public static string? EmailOf(IEnumerable<Claim> claims)
    {
        var list = claims as IReadOnlyCollection<Claim> ?? [.. claims];
        return EmailClaims.Select(type => list.FirstOrDefault(c => c.Type == type)?.Value).FirstOrDefault(v => v is { Length: > 0 } && v.Contains('@', StringComparison.Ordinal));
    }

    /// <summary>How the audit names the person: their name and e-mail, or whichever the provider sent.</summary>
    public static string DisplayName(IEnumerable<Claim> claims)
    {
        var list = claims as IReadOnlyCollection<Claim> ?? [.. claims];
        var name = list.FirstOrDefault(c => c.Type is "name" or ClaimTypes.Name)?.Value;
        var email = EmailOf(list);
        return (name, email) switch
        {
            ({ Length: > 0 }, { Length: > 0 }) when !string.Equals(name, email, StringComparison.OrdinalIgnoreCase) => $"{name} <{email}>",
            (_, { Length: > 0 }) => email,
            ({ Length: > 0 }, _) => name,
            _ => list.FirstOrDefault(c => c.Type == "sub")?.Value ?? "unknown",
        };
    }
}
