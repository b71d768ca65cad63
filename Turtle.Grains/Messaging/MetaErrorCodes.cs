namespace Turtle.Grains.Messaging;

/// <summary>What a Meta error means for the message that got it.</summary>
public enum MetaErrorKind
{
    /// <summary>Meta's trouble or limits, not the message's: try again later with backoff.</summary>
    Retry,
    /// <summary>Meta refused the access token (190): nothing can go out until it is replaced; the message waits.</summary>
    AccessToken,
    /// <summary>The message can never go as it is: failed, with Meta's code and text, not retried.</summary>
    Permanent,
}

/// <summary>
/// Meta's Graph and WhatsApp error codes (SPEC §6), classified in one place. The code decides, whatever the HTTP status:
/// Meta answers some temporary failures with 400 and some permanent ones with 500.
/// </summary>
public static class MetaErrorCodes
{
    public const int AccessTokenExpired = 190;

    /// <summary>Invalid parameter; also what the Graph API answers for an object id it does not know.</summary>
    public const int InvalidParameter = 100;

    private static readonly HashSet<int> Retryable =
    [
        1,      // API Unknown: possibly a server error
        2,      // API Service: temporary downtime or overload
        4,      // API Too Many Calls (application rate limit)
        17,     // API User Too Many Calls
        341,    // Application limit reached
        368,    // Temporarily blocked for policy violations
        80007,  // Rate limit issues (WhatsApp Business Account)
        130429, // Rate limit hit (Cloud API throughput)
        131000, // Something went wrong
        131016, // Service unavailable
        131056, // Pair rate limit hit (too many messages to one number)
        132015, // Template is paused (low quality): it may be resumed
    ];

    /// <summary>Codes a person must act on, with what they mean for the firm (the fix is the template's category, not a retry).</summary>
    private static readonly Dictionary<int, string> NeedsAPerson = new()
    {
        [131049] = "Meta held it back to keep the client's engagement healthy (its per-user limit on marketing messages): "
            + "Meta treats this template as marketing; submit it as Utility",
        [131050] = "the client has stopped marketing messages from the firm, and Meta treats this template as marketing; submit it as Utility",
    };

    public static MetaErrorKind Classify(int? code, int httpStatus) => code switch
    {
        AccessTokenExpired => MetaErrorKind.AccessToken,
        { } known when Retryable.Contains(known) => MetaErrorKind.Retry,
        null when httpStatus == 401 => MetaErrorKind.AccessToken,
        _ when httpStatus is 429 or >= 500 => MetaErrorKind.Retry,
        _ => MetaErrorKind.Permanent,
    };

    /// <summary>What a code means for an operator, when Meta's own text does not say what to do.</summary>
    public static string? Meaning(int? code) => code is { } known && NeedsAPerson.TryGetValue(known, out var meaning) ? meaning : null;
}
