using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Turtle.Api.Endpoints;

public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Value of the <c>X-Api-Key</c> header the admin routes require.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>Guards <c>/api/*</c>: the <c>X-Api-Key</c> header must match <c>Admin:ApiKey</c>.</summary>
public sealed class AdminApiKeyFilter(IOptions<AdminOptions> options, IHostEnvironment environment) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.ApiKey;
        if (string.IsNullOrEmpty(expected))
        {
            // Unset: open in Development only, so a fresh ./run.sh can be explored; closed everywhere else.
            return environment.IsDevelopment()
                ? await next(context)
                : TypedResults.Problem("Admin:ApiKey is not configured; admin routes are disabled.", statusCode: StatusCodes.Status403Forbidden);
        }

        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem($"Missing or wrong {Header} header.", statusCode: StatusCodes.Status401Unauthorized);
        }
        return await next(context);
    }
}

public static class AdminApiKeyExtensions
{
    public static IServiceCollection AddAdminApiKey(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        services.AddSingleton<AdminApiKeyFilter>();
        return services;
    }

    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag).AddEndpointFilter<AdminApiKeyFilter>();
}
