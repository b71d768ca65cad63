using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Turtle.Api.Access;

namespace Turtle.Api.OperationsConsole;

/// <summary>How the console lets people in, which follows <see cref="ApiAccessFilter"/> for <c>/api/*</c>.</summary>
public enum SignInMode
{
    /// <summary><c>Admin:ApiKey</c> is set: the key signs in.</summary>
    Key,
    /// <summary>No key, in Development: open, as <c>/api/*</c> is, so a fresh <c>./run.sh</c> can be explored.</summary>
    OpenInDevelopment,
    /// <summary>No key outside Development: nobody signs in, as <c>/api/*</c> refuses every call.</summary>
    Disabled,
}

/// <summary>
/// Signs operators in with the admin key. The cookie carries a fingerprint of the key it was issued under, so changing
/// <c>Admin:ApiKey</c> signs everyone out.
/// </summary>
public sealed class ConsoleSignIn(IOptions<AdminOptions> admin, IHostEnvironment environment)
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "turtle_console";
    private const string FingerprintClaim = "turtle:key";

    public SignInMode Mode =>
        !string.IsNullOrEmpty(admin.Value.ApiKey) ? SignInMode.Key
        : environment.IsDevelopment() ? SignInMode.OpenInDevelopment
        : SignInMode.Disabled;

    /// <summary>Whether <paramref name="given"/> signs in; compared in constant time.</summary>
    public bool Accepts(string? given) => Mode switch
    {
        SignInMode.Key => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given ?? ""), Encoding.UTF8.GetBytes(admin.Value.ApiKey!)),
        SignInMode.OpenInDevelopment => true,
        _ => false,
    };

    public ClaimsPrincipal CreatePrincipal() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(FingerprintClaim, Fingerprint())], Scheme));

    /// <summary>False when the cookie was issued under another key (or before the key was set or removed).</summary>
    public bool IsCurrent(ClaimsPrincipal? principal) =>
        Mode != SignInMode.Disabled && principal?.FindFirst(FingerprintClaim)?.Value is { } value && value == Fingerprint();

    private string Fingerprint() => Mode == SignInMode.Key
        ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("turtle-console:" + admin.Value.ApiKey)))[..32]
        : "open";

    /// <summary>Only a path of this site: never an absolute or protocol-relative address (no open redirect).</summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
