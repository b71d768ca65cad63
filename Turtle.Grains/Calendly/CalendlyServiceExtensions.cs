using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Turtle.Grains.Calendly;

public static class CalendlyServiceExtensions
{
    /// <summary>
    /// The <c>Calendly</c> API options (validated at start) and <see cref="CalendlyClient"/>. Its requests are reads
    /// and idempotent set-up calls, so retrying here is right: 429 and 5xx (and timeouts, refused connections) are
    /// tried again with exponential backoff, waiting what Calendly asks (<c>Retry-After</c>, else
    /// <c>X-RateLimit-Reset</c> on a 429), bounded by <c>Calendly:MaxRetryAttempts</c> and <c>Calendly:MaxRetryDelay</c>.
    /// </summary>
    public static IServiceCollection AddCalendlyApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(TurtleClock.Real);
        services.AddOptions<CalendlyApiOptions>()
            .Bind(configuration.GetSection(CalendlyApiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddTransient<MeetingCanceller>();
        services.AddHttpClient<CalendlyClient>((provider, http) =>
            {
                var options = provider.GetRequiredService<IOptions<CalendlyApiOptions>>().Value;
                http.BaseAddress = new Uri(options.ApiBaseUrl.TrimEnd('/') + "/");
                // Each attempt has its own timeout in the pipeline; the whole call is bounded by the retries.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler("calendly", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<CalendlyApiOptions>>().Value;
                var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = options.MaxRetryDelay,
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => ValueTask.FromResult(options.MaxRetryAttempts > 0 && IsTransient(args.Outcome)),
                    DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? AskedDelay(response, time, options.MaxRetryDelay) : null),
                });
                pipeline.AddTimeout(options.RequestTimeout);
            });
        return services;
    }

    /// <summary>
    /// Reconciliation in the silo: the API client, the booking rules the webhook uses, and the <c>Calendly</c> keys of
    /// reconciliation (validated at start, whether a token is set or not).
    /// </summary>
    public static IServiceCollection AddCalendlyReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCalendlyApi(configuration);
        services.AddCalendlyPayloads();
        services.AddOptions<ReconcileOptions>()
            .Bind(configuration.GetSection(CalendlyApiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Transient like the typed client it holds, which must not outlive its handler's rotation.
        services.TryAddTransient<CalendlyReconciler>();
        return services;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
        _ => false,
    };

    /// <summary>The wait Calendly names: <c>Retry-After</c> (seconds or a date), else on a 429 <c>X-RateLimit-Reset</c> (seconds); null for the backoff.</summary>
    internal static TimeSpan? AskedDelay(HttpResponseMessage response, TimeProvider time, TimeSpan max)
    {
        TimeSpan? asked = null;
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            asked = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - time.GetUtcNow() : null);
        }
        else if (response.StatusCode == HttpStatusCode.TooManyRequests
            && response.Headers.TryGetValues("X-RateLimit-Reset", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            asked = TimeSpan.FromSeconds(seconds);
        }
        return asked is { } wait ? (wait < TimeSpan.Zero ? TimeSpan.Zero : wait > max ? max : wait) : null;
    }
}
