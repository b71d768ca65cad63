using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Turtle.Api.Access;

namespace Turtle.Api.OperationsConsole;

/// <summary>How the console lets people in (SPEC §14): the firm's provider when one is configured, else the admin key.</summary>
public enum SignInMode
{
    /// <summary><c>Auth:Authority</c> is set: people sign in at the firm's OpenID Connect provider, each with a role.</summary>
    Provider,
    /// <summary><c>Admin:ApiKey</c> is set: the key signs in, as a single admin.</summary>
    Key,
    /// <summary>No key, in Development: open, as <c>/api/*</c> is, so a fresh <c>./run.sh</c> can be explored.</summary>
    OpenInDevelopment,
    /// <summary>No key outside Development: nobody signs in, as <c>/api/*</c> refuses every call.</summary>
    Disabled,
}

/// <summary>
/// Signs people in to the console. The cookie carries a fingerprint of what it was issued under (the admin key, or the
/// provider and client id), so changing either signs everyone out; a provider's person is re-checked against the role
/// settings on every request, so taking someone off a list takes effect at once.
/// </summary>
public sealed class ConsoleSignIn(IOptions<AdminOptions> admin, IOptions<AuthOptions> auth, StaffRoleMapping roles, IHostEnvironment environment)
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string ProviderScheme = "oidc";
    public const string CookieName = "turtle_console";
    private const string FingerprintClaim = "turtle:key";
    private const string EmailClaim = "email";
    /// <summary>The provider's role-claim values as it sent them, kept so the role can be worked out again.</summary>
    private const string ProviderRoleClaim = "turtle:provider-role";

    public SignInMode Mode =>
        auth.Value.ProviderConfigured ? SignInMode.Provider
        : !string.IsNullOrEmpty(admin.Value.ApiKey) ? SignInMode.Key
        : environment.IsDevelopment() ? SignInMode.OpenInDevelopment
        : SignInMode.Disabled;

    /// <summary>Whether <paramref name="given"/> signs in with the key; compared in constant time.</summary>
    public bool Accepts(string? given) => Mode switch
    {
        SignInMode.Key => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given ?? ""), Encoding.UTF8.GetBytes(admin.Value.ApiKey!)),
        SignInMode.OpenInDevelopment => true,
        _ => false,
    };

    /// <summary>The admin who signed in with the key (or into the open Development console).</summary>
    public ClaimsPrincipal CreatePrincipal() => StaffPrincipal.Create(
        Mode == SignInMode.Key ? ApiKeyRing.AdminKeyName : "development", StaffRole.Admin, StaffPrincipal.Key, Scheme,
        new Claim(FingerprintClaim, Fingerprint()));

    /// <summary>The console's principal for a person the provider vouched for; null when no role is theirs.</summary>
    public ClaimsPrincipal? CreatePrincipal(IEnumerable<Claim> providerClaims)
    {
        var claims = providerClaims.ToList();
        if (roles.RoleOf(claims) is not { } role)
        {
            return null;
        }
        List<Claim> extra = [new(FingerprintClaim, Fingerprint())];
        if (StaffRoleMapping.EmailOf(claims) is { } email)
        {
            extra.Add(new Claim(EmailClaim, email));
        }
        extra.AddRange(claims.Where(c => c.Type == auth.Value.RoleClaim).Select(c => new Claim(ProviderRoleClaim, c.Value)));
        return StaffPrincipal.Create(StaffRoleMapping.DisplayName(claims), role, StaffPrincipal.Person, Scheme, [.. extra]);
    }

    /// <summary>False when the cookie was issued under another key or provider, or the person's role has changed since.</summary>
    public bool IsCurrent(ClaimsPrincipal? principal)
    {
        if (Mode == SignInMode.Disabled || principal?.FindFirst(FingerprintClaim)?.Value is not { } value || value != Fingerprint())
        {
            return false;
        }
        if (Mode != SignInMode.Provider)
        {
            return StaffPrincipal.RoleOf(principal) == StaffRole.Admin;
        }
        var asSent = principal.FindAll(EmailClaim).Select(c => new Claim("email", c.Value))
            .Concat(principal.FindAll(ProviderRoleClaim).Select(c => new Claim(auth.Value.RoleClaim, c.Value)));
        return roles.RoleOf(asSent) is { } role && role == StaffPrincipal.RoleOf(principal);
    }

    private string Fingerprint() => Mode switch
    {
        SignInMode.Key => Hash("turtle-console:" + admin.Value.ApiKey),
        SignInMode.Provider => Hash($"turtle-console:oidc:{auth.Value.Authority}|{auth.Value.ClientId}"),
        _ => "open",
    };

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];

    /// <summary>Only a path of this site: never an absolute or protocol-relative address (no open redirect).</summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
