using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Turtle.Api.Webhooks;

public enum CalendlySignatureStatus
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
    Stale,
    /// <summary>No signing key outside Development: nothing can be trusted.</summary>
    KeyNotConfigured,
}

/// <summary>
/// Calendly's webhook signature: <c>Calendly-Webhook-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;</c>, where v1 is
/// HMAC-SHA256(signing key, "{t}.{raw body}") and t must be close to now (replays are refused).
/// </summary>
public static class CalendlySignature
{
    public const string Header = "Calendly-Webhook-Signature";

    /// <summary>SPEC §4's default; operators whose clocks drift widen it with <c>Calendly:SignatureTolerance</c>.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(3);

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public static CalendlySignatureStatus Verify(string? header, ReadOnlySpan<byte> body, string signingKey, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return CalendlySignatureStatus.Missing;
        }
        if (!TryParse(header, out var timestamp, out var unixSeconds, out var signatures))
        {
            return CalendlySignatureStatus.Malformed;
        }

        var expected = Compute(signingKey, timestamp, body);
        // Several v1 values appear while a key is being rotated: any one may match.
        var matched = false;
        foreach (var signature in signatures)
        {
            matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }
        if (!matched)
        {
            return CalendlySignatureStatus.Mismatch;
        }

        var signedAt = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        return (now - signedAt).Duration() <= (tolerance ?? DefaultTolerance) ? CalendlySignatureStatus.Valid : CalendlySignatureStatus.Stale;
    }

    /// <summary>The header value Calendly would send for <paramref name="body"/> signed at <paramref name="signedAt"/>.</summary>
    public static string CreateHeader(string signingKey, ReadOnlySpan<byte> body, DateTimeOffset signedAt)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Convert.ToHexStringLower(Compute(signingKey, timestamp, body))}";
    }

    private static byte[] Compute(string signingKey, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(signingKey));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryParse(string header, out string timestamp, out long unixSeconds, out List<byte[]> signatures)
    {
        timestamp = "";
        unixSeconds = 0;
        signatures = [];
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                return false;
            }
            var (name, value) = (part[..separator], part[(separator + 1)..]);
            if (name == "t")
            {
                if (timestamp.Length > 0 || value.Length == 0
                    || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out unixSeconds)
                    || unixSeconds > MaxUnixSeconds)
                {
                    return false;
                }
                timestamp = value;
            }
            else if (name == "v1")
            {
                if (value.Length == 0 || value.Length % 2 != 0 || !value.All(char.IsAsciiHexDigit))
                {
                    return false;
                }
                signatures.Add(Convert.FromHexString(value));
            }
            // Other schemes (a future v2) are ignored, as Calendly's own libraries do.
        }
        return timestamp.Length > 0 && signatures.Count > 0;
    }
}
