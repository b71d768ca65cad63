using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Messaging;

/// <summary>
/// Whether Meta accepts sends from this silo's WhatsApp account. After a refusal of the account rather than of a message
/// (an expired token, a lost permission, a locked account, a billing problem: <see cref="MetaErrorKind.AccountHold"/>)
/// messages are held, not failed: nothing is sent with that token again except one probe per
/// <see cref="WhatsAppOptions.AccessTokenProbeInterval"/> (Meta may restore the account), and the first message after the
/// operator replaces the token goes out at once. The operator is alerted by one critical log line per minute at most,
/// the silo's <c>/health/ready</c> (check <c>whatsapp-account</c>, with Meta's code and text) and the held messages.
/// </summary>
public sealed partial class AccessTokenStatus(IOptionsMonitor<WhatsAppOptions> options, TurtleClock time, ILogger<AccessTokenStatus> logger)
{
    private static readonly TimeSpan AlertInterval = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private string? _refusedToken;
    private string _refusal = "";
    private DateTimeOffset _refusedAt;
    private DateTimeOffset _lastProbe;
    private DateTimeOffset _lastAlert = DateTimeOffset.MinValue;

    /// <summary>Why messages are held now, or null when the configured token may be used.</summary>
    public string? Problem
    {
        get
        {
            lock (_lock)
            {
                return IsRefused(CurrentToken)
                    ? $"Meta refused the WhatsApp account at {_refusedAt:u} ({_refusal}): messages are held until a probe succeeds or WhatsApp:AccessToken is replaced"
                    : null;
            }
        }
    }

    /// <summary>
    /// Whether a message may be sent now: yes unless the configured token is the one Meta refused, and then only as the
    /// one probe of its interval. Otherwise the reason it is held.
    /// </summary>
    public string? HoldReason()
    {
        lock (_lock)
        {
            if (!IsRefused(CurrentToken))
            {
                return null;
            }
            var now = time.GetUtcNow();
            if (now - _lastProbe >= options.CurrentValue.AccessTokenProbeInterval)
            {
                _lastProbe = now;
                return null;
            }
            return $"held: Meta refused the WhatsApp account ({_refusal}); sent once Meta accepts it again";
        }
    }

    /// <summary>Meta refused the account; <paramref name="error"/> is its code and text, as shown to operators.</summary>
    public void Refused(string token, string error, string? fbTraceId)
    {
        var now = time.GetUtcNow();
        bool alert;
        lock (_lock)
        {
            if (!IsRefused(token))
            {
                _refusedAt = now;
            }
            _refusedToken = Fingerprint(token);
            _refusal = error;
            Telemetry.TurtleMetrics.AccountHeld(IsRefused(CurrentToken));
            _lastProbe = now;
            alert = now - _lastAlert >= AlertInterval;
            if (alert)
            {
                _lastAlert = now;
            }
        }
        if (alert)
        {
            LogRefused(error, fbTraceId);
        }
    }

    /// <summary>Meta took a message: the token works.</summary>
    public void Accepted(string token)
    {
        lock (_lock)
        {
            if (_refusedToken == Fingerprint(token))
            {
                _refusedToken = null;
                LogRestored();
            }
            // Also when the token was replaced: the new one worked.
            Telemetry.TurtleMetrics.AccountHeld(false);
        }
    }

    private string? CurrentToken => options.CurrentValue.AccessToken;

    private bool IsRefused(string? token) => _refusedToken is not null && token is not null && _refusedToken == Fingerprint(token);

    /// <summary>Only a hash is kept: the token itself never sits in this object's memory longer than a call.</summary>
    private static string Fingerprint(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    [LoggerMessage(Level = LogLevel.Critical, Message = "OPERATOR ACTION: Meta refused the WhatsApp account ({Error}) [fbtrace {FbTraceId}]. Messages are held, not lost, until Meta accepts it again or WhatsApp:AccessToken is replaced.")]
    private partial void LogRefused(string error, string? fbTraceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta accepts the WhatsApp account again; held messages go out")]
    private partial void LogRestored();
}
