using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Turtle.Testing.Google;

/// <summary>
/// Checks a service account's token request the way Google's token endpoint does
/// (RFC 7523 JWT bearer grant): RS256 signature by the account's key, issuer, audience, scope and lifetime.
/// </summary>
public static class JwtBearerAssertion
{
    /// <summary>
    /// Google's canonical token audience. Google.Apis.Auth always signs it, wherever <c>token_uri</c> sends the
    /// request; other client libraries sign the <c>token_uri</c> itself. Google accepts both.
    /// </summary>
    public const string GoogleTokenAudience = "https://oauth2.googleapis.com/token";

    /// <summary>Answers <c>null</c> when the assertion is good, else why it is not (Google's <c>error_description</c>).</summary>
    public static string? Verify(string assertion, ServiceAccountKey account, string audience, string requiredScope, DateTimeOffset now)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return "Invalid JWT: not three segments.";
        }
        try
        {
            using var header = JsonDocument.Parse(Base64UrlTextEncoder.Decode(parts[0]));
            using var payload = JsonDocument.Parse(Base64UrlTextEncoder.Decode(parts[1]));
            if (Text(header, "alg") != "RS256")
            {
                return "Invalid JWT: alg must be RS256.";
            }
            if (Text(header, "kid") is { } kid && kid != account.PrivateKeyId)
            {
                return "Invalid JWT Signature.";
            }
            var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!account.Rsa.VerifyData(signed, Base64UrlTextEncoder.Decode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return "Invalid JWT Signature.";
            }
            if (Text(payload, "iss") != account.ClientEmail)
            {
                return $"Invalid JWT: iss '{Text(payload, "iss")}' is not a known service account.";
            }
            if (Text(payload, "aud") is not { } aud || (aud != audience && aud != GoogleTokenAudience))
            {
                return $"Invalid JWT: aud '{Text(payload, "aud")}' is not {audience}.";
            }
            if (Text(payload, "scope")?.Split(' ').Contains(requiredScope) != true)
            {
                return $"Invalid JWT: scope '{Text(payload, "scope")}' lacks {requiredScope}.";
            }
            var issued = DateTimeOffset.FromUnixTimeSeconds(payload.RootElement.GetProperty("iat").GetInt64());
            var expires = DateTimeOffset.FromUnixTimeSeconds(payload.RootElement.GetProperty("exp").GetInt64());
            if (issued > now.AddMinutes(5) || expires <= now || expires - issued > TimeSpan.FromHours(1))
            {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return "Invalid JWT: " + e.Message;
        }
    }

    private static string? Text(JsonDocument document, string name) =>
        document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
