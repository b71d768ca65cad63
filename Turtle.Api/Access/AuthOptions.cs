using Microsoft.Extensions.Options;

namespace Turtle.Api.Access;

/// <summary>The <c>Auth</c> section (SPEC §14): the firm's OpenID Connect provider and who holds which role.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The provider's issuer, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; unset, the admin key signs in.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The token claim whose values are role names (Entra ID's app roles arrive as <c>roles</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary><c>Auth:Roles:&lt;role&gt;</c>: e-mail addresses holding that role, for providers that send no role claim (Google).</summary>
    public Dictionary<string, string[]> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool ProviderConfigured => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Plain HTTP only to a provider on this machine (a developer's or a test's); anything else must be HTTPS.</summary>
    public static bool IsAcceptableAuthority(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}

public static class AuthOptionsExtensions
{
    public static IServiceCollection AddAuthOptions(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidation>();
        return services;
    }
}

/// <summary>Stops start-up on a provider set-up that could never sign anyone in, naming the key.</summary>
public sealed class AuthOptionsValidation : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        foreach (var (role, emails) in options.Roles)
        {
            if (!StaffRoles.TryParse(role, out _))
            {
                failures.Add($"Auth:Roles:{role} is not a role: use Auth:Roles:viewer, Auth:Roles:operator or Auth:Roles:admin.");
            }
            else if (emails.Any(e => !e.Contains('@', StringComparison.Ordinal)))
            {
                failures.Add($"Auth:Roles:{role} must list e-mail addresses.");
            }
        }
        if (!options.ProviderConfigured)
        {
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
        if (!AuthOptions.IsAcceptableAuthority(options.Authority!))
        {
            failures.Add("Auth:Authority must be the provider's absolute https:// address (plain http only on this machine's loopback).");
        }
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add("Auth:ClientId is required when Auth:Authority is set: the console's client id at the provider.");
        }
        if (string.IsNullOrWhiteSpace(options.RoleClaim))
        {
            failures.Add("Auth:RoleClaim must name a claim (default roles).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
