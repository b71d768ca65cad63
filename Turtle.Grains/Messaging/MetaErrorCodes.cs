namespace Turtle.Grains.Messaging;

/// <summary>What a Meta error means for the message that got it.</summary>
public enum MetaErrorKind
{
    /// <summary>Meta's trouble or limits, not the message's: try again later with backoff.</summary>
    Retry,
    /// <summary>
    /// Meta refused the account, not the message (an expired token, a lost permission, a locked account, a billing
    /// problem, an unregistered number): nothing can go out until it is mended; the message waits.
    /// </summary>
    AccountHold,
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

    /// <summary>
    /// Refusals of the whole account, from Meta's WhatsApp error codes page
    /// (developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes): every message would get
    /// the same answer until a person mends the account, so messages are held, not failed. Any code answered with HTTP
    /// 401 is one too ("get a new access token").
    /// </summary>
    private static readonly HashSet<int> AccountRefusals =
    [
        0,      // AuthException: unable to authenticate the app user
        10,     // Permission denied: permission not granted or revoked
        AccessTokenExpired,
        131031, // Business account locked
        131042, // Business eligibility payment issue
        133010, // Phone number not registered on the Cloud API
    ];

    /// <summary>Meta's per-user limit on marketing messages: held back, reported by a <c>failed</c> status.</summary>
    public const int PerUserMarketingLimit = 131049;

    /// <summary>The template does not exist in the language asked for (Meta: "Template name does not exist in the translation").</summary>
    public const int TemplateMissing = 132001;

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
        [PerUserMarketingLimit] = "Meta held it back to keep the client's engagement healthy (its per-user limit on marketing messages): "
            + "Meta treats this template as marketing; submit it as Utility",
        [131050] = "the client has stopped marketing messages from the firm, and Meta treats this template as marketing; submit it as Utility",
    };

    public static MetaErrorKind Classify(int? code, int httpStatus) => code switch
    {
        _ when httpStatus == 401 => MetaErrorKind.AccountHold,
        { } known when AccountRefusals.Contains(known) => MetaErrorKind.AccountHold,
        { } known when Retryable.Contains(known) => MetaErrorKind.Retry,
        _ when httpStatus is 429 or >= 500 => MetaErrorKind.Retry,
        _ => MetaErrorKind.Permanent,
    };

    /// <summary>What a code means for an operator, when Meta's own text does not say what to do.</summary>
    public static string? Meaning(int? code) => code is { } known && NeedsAPerson.TryGetValue(known, out var meaning) ? meaning : null;
}
