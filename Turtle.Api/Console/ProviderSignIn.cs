using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Turtle.Api.Access;
using Turtle.Api.Audit;

namespace Turtle.Api.OperationsConsole;

/// <summary>
/// Sign-in at the firm's OpenID Connect provider (SPEC §14): authorization code with PKCE, the person's role worked out
/// from the provider's claims by <see cref="ConsoleSignIn"/>; someone with no role is sent back to the sign-in page.
/// </summary>
public sealed class ProviderSignIn(IOptions<AuthOptions> auth, ConsoleSignIn signIn) : IConfigureNamedOptions<OpenIdConnectOptions>
{
    public const string StartPath = "/login/provider";
    public const string CallbackPath = "/signin-oidc";

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name != ConsoleSignIn.ProviderScheme)
        {
            return;
        }
        var settings = auth.Value;
        options.Authority = settings.Authority;
        options.ClientId = settings.ClientId;
        options.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        options.RequireHttpsMetadata = settings.Authority!.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.UsePkce = true;
        // A redirect back rather than a cross-site form post: the short-lived correlation cookies can then be SameSite=Lax
        // and work over the plain HTTP of a developer's machine too.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.CallbackPath = CallbackPath;
        options.SignInScheme = ConsoleSignIn.Scheme;
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("profile");
        options.Scope.Add("email");
        // Claims under the names the provider gave them (roles, email, name), which is how Auth:RoleClaim names them.
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.TokenValidationParameters.NameClaimType = "name";
        options.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
        options.Events.OnTokenValidated = async context =>
        {
            var claims = context.Principal?.Claims.ToList() ?? [];
            var audit = context.HttpContext.RequestServices.GetRequiredService<StaffAudit>();
            var principal = signIn.CreatePrincipal(claims);
            if (principal is null)
            {
                // Who tried, by the provider's word, without a role: the audit shows attempts as well as entries.
                var stranger = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, StaffRoleMapping.DisplayName(claims)), new Claim(StaffPrincipal.KindClaim, StaffPrincipal.Person)], "provider"));
                await audit.RecordAsync(stranger, StaffActions.SignInRefused, detail: "no role", cancellation: context.HttpContext.RequestAborted);
                context.Fail("no-role");
                return;
            }
            await audit.RecordAsync(principal, StaffActions.SignIn, detail: "at the provider", cancellation: context.HttpContext.RequestAborted);
            context.Principal = principal;
        };
        options.Events.OnRemoteFailure = context =>
        {
            var reason = context.Failure?.Message == "no-role" ? "no-role" : "provider";
            context.Response.Redirect($"/login?failed={reason}");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }
}

public static class ProviderSignInEndpoints
{
    /// <summary>
    /// <c>GET /login/provider</c> starts the sign-in at the provider. It comes back through <c>/login/complete</c>, a page of
    /// this site, because the console's cookie is SameSite=Strict: a browser does not send it on a redirect chain that
    /// began at the provider, but does on a navigation from one of our own pages.
    /// </summary>
    public static IEndpointRouteBuilder MapProviderSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(ProviderSignIn.StartPath, (string? returnUrl, ConsoleSignIn signIn) =>
        {
            if (signIn.Mode != SignInMode.Provider)
            {
                return Results.NotFound();
            }
            var back = "/login/complete?returnUrl=" + Uri.EscapeDataString(ConsoleSignIn.LocalReturnUrl(returnUrl));
            return Results.Challenge(new AuthenticationProperties { RedirectUri = back }, [ConsoleSignIn.ProviderScheme]);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
