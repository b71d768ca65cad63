using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Turtle.Testing.Processes;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Turtle.Testing.Identity;

/// <summary>A person of the firm as the provider knows them; <see cref="Roles"/> go out in the <c>roles</c> claim.</summary>
public sealed record FirmPerson(string Subject, string Name, string Email, params string[] Roles);

/// <summary>
/// The firm's OpenID Connect provider for tests: OpenIddict's real server (authorization code with PKCE, discovery,
/// signed identity tokens) on loopback in the test process, with a sign-in page where a person types their e-mail.
/// It runs without a database (OpenIddict's degraded mode), so it checks the one client itself: the client id, the
/// secret at the token endpoint, and that the redirect goes to a console's <c>/signin-oidc</c> on this machine.
/// It listens as <c>localhost</c> while Turtle is reached as <c>127.0.0.1</c>: two sites, as a real provider and a
/// firm's console are, so the browser's SameSite rules apply to the sign-in as they would in production.
/// </summary>
public sealed class FirmIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "turtle-console";
    public const string ClientSecret = "turtle-console-secret";
    private const string PersonCookie = "firm_idp";

    public static readonly FirmPerson Viewer = new("viola", "Viola Viewer", "viola@firm.test");
    public static readonly FirmPerson Operator = new("otto", "Otto Operator", "otto@firm.test", "operator");
    public static readonly FirmPerson Admin = new("ada", "Ada Admin", "ada@firm.test", "admin");
    public static readonly FirmPerson Stranger = new("sam", "Sam Stranger", "sam@elsewhere.test");

    private readonly WebApplication _app;

    private FirmIdentityProvider(WebApplication app, Uri authority)
    {
        _app = app;
        Authority = authority;
    }

    /// <summary>The issuer, e.g. <c>http://localhost:41234/</c>.</summary>
    public Uri Authority { get; }

    public static IReadOnlyList<FirmPerson> People { get; } = [Viewer, Operator, Admin, Stranger];

    /// <summary>Turtle's <c>Auth:*</c> settings for this provider: the viewer by e-mail list, the others by role claim.</summary>
    public IReadOnlyDictionary<string, string?> TurtleSettings => new Dictionary<string, string?>
    {
        ["Auth__Authority"] = Authority.ToString(),
        ["Auth__ClientId"] = ClientId,
        ["Auth__ClientSecret"] = ClientSecret,
        ["Auth__Roles__viewer__0"] = Viewer.Email,
    };

    public static async Task<FirmIdentityProvider> StartAsync()
    {
        var authority = new Uri($"http://localhost:{TurtleProcess.FreePort()}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(authority.ToString());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAuthentication(PersonCookie).AddCookie(PersonCookie, o =>
        {
            o.Cookie.Name = PersonCookie;
            o.LoginPath = "/account/login";
        });
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(authority);
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
            options.EnableDegradedMode();
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "unknown client_id");
                }
                else if (!Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var redirect) || !redirect.IsLoopback || redirect.AbsolutePath != "/signin-oidc")
                {
                    context.Reject(Errors.InvalidRequest, "redirect_uri must be a console's /signin-oidc on this machine");
                }
                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "wrong client credentials");
                }
                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();
        app.MapGet("/account/login", (string? returnUrl) => Results.Content(LoginPage(returnUrl), "text/html; charset=utf-8"));
        app.MapPost("/account/login", (Delegate)SignInAsync);
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (Delegate)AuthorizeAsync);
        await app.StartAsync();
        return new FirmIdentityProvider(app, authority);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The person the provider's cookie names signs in to the client; without one, the sign-in page first.</summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        var signedIn = await context.AuthenticateAsync(PersonCookie);
        var person = People.FirstOrDefault(p => p.Subject == signedIn.Principal?.Identity?.Name);
        if (person is null)
        {
            return Results.Challenge(new AuthenticationProperties { RedirectUri = context.Request.Path + context.Request.QueryString }, [PersonCookie]);
        }
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, "roles");
        identity.AddClaim(new Claim(Claims.Subject, person.Subject));
        identity.AddClaim(new Claim(Claims.Name, person.Name));
        identity.AddClaim(new Claim(Claims.Email, person.Email));
        foreach (var role in person.Roles)
        {
            identity.AddClaim(new Claim("roles", role));
        }
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> SignInAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var returnUrl = form["returnUrl"].ToString();
        var person = People.FirstOrDefault(p => string.Equals(p.Email, form["email"].ToString().Trim(), StringComparison.OrdinalIgnoreCase));
        if (person is null)
        {
            return Results.Content(LoginPage(returnUrl, "No such person at the firm."), "text/html; charset=utf-8", statusCode: 401);
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, person.Subject)], PersonCookie));
        await context.SignInAsync(PersonCookie, principal);
        return Results.Redirect(returnUrl.StartsWith("/connect/authorize", StringComparison.Ordinal) ? returnUrl : "/");
    }

    private static string LoginPage(string? returnUrl, string? error = null) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Sign in · Firm identity</title></head>
        <body>
        <h1>Sign in to the firm</h1>
        {(error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="/account/login">
          <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl ?? "")}">
          <label for="email">E-mail</label>
          <input id="email" name="email" type="email" autocomplete="username" required>
          <button type="submit">Sign in</button>
        </form>
        </body></html>
        """;
}
