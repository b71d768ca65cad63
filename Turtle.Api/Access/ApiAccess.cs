using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Turtle.Api.Access;

public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The firm's single key from before named keys: still accepted, as an <c>admin</c> key.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>Admin:ApiKeys:&lt;name&gt;:Hash</c> and <c>:Role</c>: one machine key each, stored as its SHA-256.</summary>
    public Dictionary<string, NamedApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class NamedApiKeyOptions
{
    /// <summary>SHA-256 of the key's UTF-8 bytes, 64 hex digits; the key itself is never configured.</summary>
    public string? Hash { get; set; }

    /// <summary><c>viewer</c>, <c>operator</c> or <c>admin</c>.</summary>
    public string? Role { get; set; }
}

/// <summary>Stops start-up on a key that could never match or has no role, naming the key.</summary>
public sealed class AdminOptionsValidation : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var failures = new List<string>();
        foreach (var (keyName, key) in options.ApiKeys)
        {
            if (!ApiKeyRing.IsHash(key.Hash))
            {
                failures.Add($"Admin:ApiKeys:{keyName}:Hash must be the SHA-256 of the key as 64 hex digits (e.g. printf %s \"$KEY\" | sha256sum).");
            }
            if (!StaffRoles.TryParse(key.Role, out _))
            {
                failures.Add($"Admin:ApiKeys:{keyName}:Role must be viewer, operator or admin (was \"{key.Role}\").");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>A key <see cref="ApiKeyRing"/> recognised: its name (for the audit) and role.</summary>
public sealed record ApiCaller(string Name, StaffRole Role);

/// <summary>
/// Recognises <c>X-Api-Key</c> values. The presented key is hashed once and compared with every configured hash in
/// constant time, without stopping at a match, so neither the time taken nor the order of keys says which one matched.
/// </summary>
public sealed class ApiKeyRing(IOptions<AdminOptions> options)
{
    /// <summary>The single <c>Admin:ApiKey</c>'s name in the audit.</summary>
    public const string AdminKeyName = "admin-key";

    private readonly (string Name, byte[] Hash, StaffRole Role)[] _keys = Build(options.Value);

    /// <summary>Whether any key is configured; without one, <c>/api/*</c> is open in Development only.</summary>
    public bool Configured => _keys.Length > 0;

    public ApiCaller? Identify(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiCaller? found = null;
        foreach (var (name, expected, role) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected) && found is null)
            {
                found = new ApiCaller(name, role);
            }
        }
        return found;
    }

    public static bool IsHash(string? value) =>
        value is { Length: 64 } && value.All(char.IsAsciiHexDigit);

    /// <summary>SHA-256 of a key as <c>Admin:ApiKeys:&lt;name&gt;:Hash</c> takes it.</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static (string, byte[], StaffRole)[] Build(AdminOptions options)
    {
        var keys = new List<(string, byte[], StaffRole)>();
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            keys.Add((AdminKeyName, SHA256.HashData(Encoding.UTF8.GetBytes(options.ApiKey)), StaffRole.Admin));
        }
        foreach (var (name, key) in options.ApiKeys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            // Validated on start; a key that does not parse here never got past it.
            if (IsHash(key.Hash) && StaffRoles.TryParse(key.Role, out var role))
            {
                keys.Add((name, Convert.FromHexString(key.Hash!), role));
            }
        }
        return [.. keys];
    }
}

/// <summary>The role a route needs; without one, reading (GET, HEAD) needs <c>viewer</c> and anything else <c>admin</c>.</summary>
public sealed record RequiredRole(StaffRole Role)
{
    public static StaffRole For(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RequiredRole>()?.Role
        ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? StaffRole.Viewer : StaffRole.Admin);
}

/// <summary>
/// Guards <c>/api/*</c>: <c>X-Api-Key</c> must be a configured key (401 otherwise) whose role includes the route's
/// (403 naming the role needed otherwise). The caller becomes the request's user, so what it does is audited by name.
/// </summary>
public sealed class ApiAccessFilter(ApiKeyRing keys, IHostEnvironment environment) : IEndpointFilter
{
    public const string Header = "X-Api-Key";
    public const string Scheme = "ApiKey";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var needed = RequiredRole.For(http);
        if (!keys.Configured)
        {
            // No key at all: open in Development only, so a fresh ./run.sh can be explored; closed everywhere else.
            if (!environment.IsDevelopment())
            {
                return TypedResults.Problem("Admin:ApiKey is not configured; admin routes are disabled.", statusCode: StatusCodes.Status403Forbidden);
            }
            http.User = StaffPrincipal.Create("development", StaffRole.Admin, StaffPrincipal.Key, Scheme);
            return await next(context);
        }

        if (keys.Identify(http.Request.Headers[Header].ToString()) is not { } caller)
        {
            return TypedResults.Problem($"Missing or unknown {Header} header.", statusCode: StatusCodes.Status401Unauthorized);
        }
        if (!caller.Role.Includes(needed))
        {
            return TypedResults.Problem(
                $"{http.Request.Method} {http.Request.Path} needs the {needed.Name()} role; the key \"{caller.Name}\" has the {caller.Role.Name()} role.",
                title: $"The {needed.Name()} role is needed.",
                statusCode: StatusCodes.Status403Forbidden,
                extensions: new Dictionary<string, object?> { ["requiredRole"] = needed.Name(), ["role"] = caller.Role.Name() });
        }
        http.User = StaffPrincipal.Create(caller.Name, caller.Role, StaffPrincipal.Key, Scheme);
        return await next(context);
    }
}

public static class ApiAccessExtensions
{
    public static IServiceCollection AddApiAccess(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidation>();
        services.AddSingleton<ApiKeyRing>();
        services.AddSingleton<ApiAccessFilter>();
        return services;
    }

    /// <summary>A group of <c>/api</c> routes behind <see cref="ApiAccessFilter"/>.</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag).AddEndpointFilter<ApiAccessFilter>();

    /// <summary>The role this route needs (SPEC §14), said where the route is mapped.</summary>
    public static RouteHandlerBuilder RequireRole(this RouteHandlerBuilder route, StaffRole role) =>
        route.WithMetadata(new RequiredRole(role));
}
