using System.ComponentModel.DataAnnotations;

namespace Turtle.Grains.Calendly;

/// <summary>
/// The part of the <c>Calendly</c> section that reaches Calendly's API v2 (the webhook's signing key is the API's own
/// concern). Without <see cref="ApiToken"/> the client is not configured: webhooks still work, set-up and
/// reconciliation do not.
/// </summary>
public sealed class CalendlyApiOptions : IValidatableObject
{
    public const string Section = "Calendly";
    public const string ApiTokenKey = Section + ":" + nameof(ApiToken);

    /// <summary>A personal access token of an organization owner or admin (organization-scope webhooks and events need one).</summary>
    public string? ApiToken { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.calendly.com";

    /// <summary>Longest wait for one attempt of one request; a timed-out attempt is retried like a 5xx.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First backoff step for a 429 or 5xx that names no wait of its own (<c>Retry-After</c>); it doubles per attempt.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retries after the first attempt; past them the last answer is reported.</summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>Longest single wait between attempts, whatever Calendly asks for.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(90);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("https" or "http"))
        {
            yield return Fail($"{Section}:ApiBaseUrl '{ApiBaseUrl}' must be an absolute http(s) URL such as https://api.calendly.com.", nameof(ApiBaseUrl));
        }
        if (ApiToken is { Length: > 0 } token && (string.IsNullOrWhiteSpace(token) || token.Any(char.IsWhiteSpace)))
        {
            // Never echo the value: it is a secret.
            yield return Fail($"{ApiTokenKey} must be a Calendly personal access token without spaces or line breaks.", nameof(ApiToken));
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            yield return Fail($"{Section}:RequestTimeout must be positive.", nameof(RequestTimeout));
        }
        if (RetryBaseDelay <= TimeSpan.Zero)
        {
            yield return Fail($"{Section}:RetryBaseDelay must be positive.", nameof(RetryBaseDelay));
        }
        if (MaxRetryAttempts is < 0 or > 20)
        {
            yield return Fail($"{Section}:MaxRetryAttempts must be between 0 and 20.", nameof(MaxRetryAttempts));
        }
        if (MaxRetryDelay < RetryBaseDelay)
        {
            yield return Fail($"{Section}:MaxRetryDelay must be at least {Section}:RetryBaseDelay.", nameof(MaxRetryDelay));
        }
    }

    private static ValidationResult Fail(string message, string member) => new(message, [member]);
}
