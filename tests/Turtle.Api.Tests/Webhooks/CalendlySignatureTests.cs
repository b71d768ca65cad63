using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Turtle.Api.Webhooks;

namespace Turtle.Api.Tests.Webhooks;

public sealed class CalendlySignatureTests
{
    private const string Key = "calendly-signing-key";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 14, 3, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"event":"invitee.created","payload":{}}""");

    [Fact]
    public void RightKeyAndFreshTimestampIsValid() =>
        Assert.Equal(CalendlySignatureStatus.Valid, CalendlySignature.Verify(CalendlySignature.CreateHeader(Key, Body, Now), Body, Key, Now));

    [Fact]
    public void SignatureIsHexHmacOfTimestampDotBody()
    {
        var t = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var hex = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(t + "." + Encoding.UTF8.GetString(Body))));

        Assert.Equal($"t={t},v1={hex}", CalendlySignature.CreateHeader(Key, Body, Now));
        Assert.Equal(CalendlySignatureStatus.Valid, CalendlySignature.Verify($"t={t},v1={hex.ToUpperInvariant()}", Body, Key, Now));
    }

    [Fact]
    public void WrongKeyIsMismatch() =>
        Assert.Equal(CalendlySignatureStatus.Mismatch, CalendlySignature.Verify(CalendlySignature.CreateHeader("another-key", Body, Now), Body, Key, Now));

    [Fact]
    public void TamperedBodyIsMismatch()
    {
        var header = CalendlySignature.CreateHeader(Key, Body, Now);
        var tampered = Encoding.UTF8.GetBytes("""{"event":"invitee.canceled","payload":{}}""");

        Assert.Equal(CalendlySignatureStatus.Mismatch, CalendlySignature.Verify(header, tampered, Key, Now));
    }

    [Fact]
    public void ChangedTimestampIsMismatch()
    {
        var header = CalendlySignature.CreateHeader(Key, Body, Now);
        var later = header.Replace($"t={Now.ToUnixTimeSeconds()}", $"t={Now.ToUnixTimeSeconds() + 1}", StringComparison.Ordinal);

        Assert.Equal(CalendlySignatureStatus.Mismatch, CalendlySignature.Verify(later, Body, Key, Now));
    }

    [Theory]
    [InlineData(-181)]
    [InlineData(-3600)]
    [InlineData(181)]
    [InlineData(86400)]
    public void TimestampBeyondThreeMinutesEitherWayIsStale(int offsetSeconds) =>
        Assert.Equal(CalendlySignatureStatus.Stale,
            CalendlySignature.Verify(CalendlySignature.CreateHeader(Key, Body, Now.AddSeconds(offsetSeconds)), Body, Key, Now));

    [Theory]
    [InlineData(-180)]
    [InlineData(-30)]
    [InlineData(120)]
    [InlineData(180)]
    public void TimestampWithinThreeMinutesEitherWayIsValid(int offsetSeconds) =>
        Assert.Equal(CalendlySignatureStatus.Valid,
            CalendlySignature.Verify(CalendlySignature.CreateHeader(Key, Body, Now.AddSeconds(offsetSeconds)), Body, Key, Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void MissingHeaderIsMissing(string? header) =>
        Assert.Equal(CalendlySignatureStatus.Missing, CalendlySignature.Verify(header, Body, Key, Now));

    [Theory]
    [InlineData("v1=00ff")]                                  // no t
    [InlineData("t=1795338843")]                             // no v1
    [InlineData("t=1795338843,v1=")]                        // empty v1
    [InlineData("t=1795338843,v1=zz11")]                    // non-hex
    [InlineData("t=1795338843,v1=abc")]                     // odd-length hex
    [InlineData("t=abc,v1=00ff")]                           // non-numeric t
    [InlineData("t=-5,v1=00ff")]                            // signed t
    [InlineData("t=,v1=00ff")]                              // empty t
    [InlineData("t=1795338843,t=1795338844,v1=00ff")]       // two timestamps
    [InlineData("t=99999999999999999999,v1=00ff")]          // overflows
    [InlineData("t=999999999999,v1=00ff")]                  // past year 9999
    [InlineData("sha256=00ff")]
    [InlineData("t1795338843,v100ff")]
    [InlineData("just garbage")]
    public void MalformedHeaderIsMalformed(string header) =>
        Assert.Equal(CalendlySignatureStatus.Malformed, CalendlySignature.Verify(header, Body, Key, Now));

    [Fact]
    public void AnyOfSeveralV1ValuesMayMatch()
    {
        var good = CalendlySignature.CreateHeader(Key, Body, Now);
        var oldKey = CalendlySignature.CreateHeader("old-key", Body, Now);
        var oldSignature = oldKey[oldKey.IndexOf(",v1=", StringComparison.Ordinal)..];

        Assert.Equal(CalendlySignatureStatus.Valid, CalendlySignature.Verify(good + oldSignature, Body, Key, Now));
        Assert.Equal(CalendlySignatureStatus.Valid, CalendlySignature.Verify(oldKey + good[good.IndexOf(",v1=", StringComparison.Ordinal)..], Body, Key, Now));
        Assert.Equal(CalendlySignatureStatus.Mismatch, CalendlySignature.Verify(oldKey + oldSignature, Body, Key, Now));
    }

    [Fact]
    public void UnknownSchemesAndSpacesAreTolerated()
    {
        var header = CalendlySignature.CreateHeader(Key, Body, Now).Replace(",", " , v0=deadbeef, ", StringComparison.Ordinal);

        Assert.Equal(CalendlySignatureStatus.Valid, CalendlySignature.Verify(header, Body, Key, Now));
    }
}
