using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Turtle.Api.OperationsConsole;

namespace Turtle.Api.Access;

/// <summary>The <c>Limits</c> section (SPEC §14).</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Sign-in attempts (the key form's posts, starts at the provider) per client address per minute.</summary>
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>Webhook requests whose signature failed, per address per minute; past it the address is answered 429.</summary>
    public int BadSignaturesPerMinute { get; set; } = 60;
}

public sealed class LimitsOptionsValidation : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        if (options.SignInPerMinute < 1)
        {
            failures.Add("Limits:SignInPerMinute must be at least 1.");
        }
        if (options.BadSignaturesPerMinute < 1)
        {
            failures.Add("Limits:BadSignaturesPerMinute must be at least 1.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Webhook requests with a failing signature, counted per address. Only failures use up the allowance, so deliveries
/// that verify are never counted, however many arrive; once an address has used it up, every webhook request from it is
/// answered 429 before its body is read, until the minute is over. Behind a proxy the address is the proxy's unless
/// forwarded headers are trusted (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>).
/// </summary>
public sealed class BadSignatureLimit : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _failures;

    public BadSignatureLimit(IOptions<LimitsOptions> options)
    {
        var perMinute = options.Value.BadSignaturesPerMinute;
        _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>Null while the address may still send; else how long until it may.</summary>
    public TimeSpan? Exhausted(IPAddress address)
    {
        using var probe = _failures.AttemptAcquire(address, 0);
        return probe.IsAcquired ? null : probe.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
    }

    public void CountFailure(IPAddress address) => _failures.AttemptAcquire(address, 1).Dispose();

    public void Dispose() => _failures.Dispose();
}

public static class RequestLimits
{
    public static IServiceCollection AddRequestLimits(this IServiceCollection services)
    {
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidation>();
        services.AddSingleton<BadSignatureLimit>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Global to the branch UseRequestLimits runs it in, which sign-in attempts alone take.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.SignInPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(AddressOf(context), _ =>
                    new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.OnRejected = (context, cancellation) =>
            {
                var after = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                return TooManyAsync(context.HttpContext, after, "Too many sign-in attempts from this address.");
            };
        });
        return services;
    }

    /// <summary>
    /// The sign-in limit on the key form's posts (GETs of the page are not attempts) and on starts at the provider;
    /// placed before authentication so the provider's callback cannot be reached around it.
    /// </summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        app.UseWhen(IsSignInAttempt, branch => branch.UseRateLimiter());
        app.UseWhen(IsWebhookPost, branch => branch.Use(async (context, next) =>
        {
            var limit = context.RequestServices.GetRequiredService<BadSignatureLimit>();
            var address = AddressOf(context);
            if (limit.Exhausted(address) is { } after)
            {
                await TooManyAsync(context, after, "Too many webhook requests with a failing signature from this address.");
                return;
            }
            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                limit.CountFailure(address);
            }
        }));
        return app;
    }

    private static bool IsSignInAttempt(HttpContext context) =>
        (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase))
        || context.Request.Path.Equals(ProviderSignIn.StartPath, StringComparison.OrdinalIgnoreCase);

    private static bool IsWebhookPost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/webhooks", StringComparison.OrdinalIgnoreCase);

    private static IPAddress AddressOf(HttpContext context) => context.Connection.RemoteIpAddress ?? IPAddress.None;

    private static async ValueTask TooManyAsync(HttpContext context, TimeSpan after, string detail)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        // Nothing of the request is read: the connection is not kept for its unread body.
        response.Headers.Connection = "close";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail + $" Try again in {response.Headers.RetryAfter} s." },
        });
    }
}
