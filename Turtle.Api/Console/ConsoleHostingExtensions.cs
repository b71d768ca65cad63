using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Turtle.Api.Access;
using Turtle.Grains.Appointments;
using Turtle.Api.OperationsConsole.Actions;
using Turtle.Api.OperationsConsole.Attention;

namespace Turtle.Api.OperationsConsole;

/// <summary>The operations console (SPEC §11): Razor components rendered on the server, signed in at the firm's provider or with the admin key.</summary>
public static class ConsoleHostingExtensions
{
    public static WebApplicationBuilder AddTurtleConsole(this WebApplicationBuilder builder)
    {
        // The stylesheet is a static web asset. Outside Development the host reads the build output's asset manifest only
        // when asked; a published app has no such manifest and serves its wwwroot instead, so this changes nothing there.
        builder.WebHost.UseStaticWebAssets();

        var services = builder.Services;
        // The firm's time zone is the Notifications section's (validated on start), shared with the silo's agendas.
        services.AddNotificationOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FirmClock>();
        services.AddAuthOptions();
        services.AddSingleton<StaffRoleMapping>();
        services.AddSingleton<ConsoleSignIn>();
        services.AddSingleton<IConsoleActions, ClusterConsoleActions>();
        services.AddSingleton<Clients.ClientLinks>();
        services.AddSingleton<IAttentionSource, ClusterAttentionSource>();
        services.AddRazorComponents();
        services.AddAuthorization();
        var authentication = services.AddAuthentication(ConsoleSignIn.Scheme);
        // The provider's handler is registered only when one is configured: without an authority it could not start.
        if (builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() is { ProviderConfigured: true })
        {
            authentication.AddOpenIdConnect(ConsoleSignIn.ProviderScheme, _ => { });
            services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, ProviderSignIn>();
        }
        authentication.AddCookie(ConsoleSignIn.Scheme, o =>
        {
            o.Cookie.Name = ConsoleSignIn.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the console is reached over HTTPS; ./run.sh serves plain HTTP on loopback.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/login";
            o.Events.OnValidatePrincipal = async context =>
            {
                if (!context.HttpContext.RequestServices.GetRequiredService<ConsoleSignIn>().IsCurrent(context.Principal))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(ConsoleSignIn.Scheme);
                }
            };
            // Only console pages ever challenge; should anything under /api do so, it answers 401, never a redirect.
            o.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }
                return Task.CompletedTask;
            };
        });
        return builder;
    }

    public static WebApplication MapTurtleConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapProviderSignIn();
        // Every page needs the cookie; the sign-in and sign-out pages say [AllowAnonymous].
        app.MapRazorComponents<App>().RequireAuthorization();
        return app;
    }
}
