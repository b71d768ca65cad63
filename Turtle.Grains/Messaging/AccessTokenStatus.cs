using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Messaging;

/// <summary>
/// Whether Meta accepts this silo's WhatsApp access token. After a refusal (error 190) messages are held, not failed:
/// nothing is sent with that token again except one probe per <see cref="WhatsAppOptions.AccessTokenProbeInterval"/>
/// (Meta may restore it), and the first message after the operator replaces the token goes out at once. The operator
/// is alerted by one critical log line per minute at most, the silo's <c>/health/ready</c> and the held messages.
/// </summary>
public sealed partial class AccessTokenStatus(IOptionsMonitor<WhatsAppOptions> options, TurtleClock time, ILogger<AccessTokenStatus> logger)
{
    private static readonly TimeSpan AlertInterval = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private string? _refusedToken;
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
                return IsRefused(CurrentToken) ? $"Meta refused WhatsApp:AccessToken at {_refusedAt:u} (error 190): messages are held until it is replaced" : null;
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
            return "held: Meta refused the WhatsApp access token (190); sent once WhatsApp:AccessToken works again";
        }
    }

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
        }
    }

    private string? CurrentToken => options.CurrentValue.AccessToken;

    private bool IsRefused(string? token) => _refusedToken is not null && token is not null && _refusedToken == Fingerprint(token);

    /// <summary>Only a hash is kept: the token itself never sits in this object's memory longer than a call.</summary>
    private static string Fingerprint(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    [LoggerMessage(Level = LogLevel.Critical, Message = "OPERATOR ACTION: Meta refused the WhatsApp access token ({Error}) [fbtrace {FbTraceId}]. Messages are held, not lost, until WhatsApp:AccessToken is replaced.")]
    private partial void LogRefused(string error, string? fbTraceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta accepts the WhatsApp access token again; held messages go out")]
    private partial void LogRestored();
}
