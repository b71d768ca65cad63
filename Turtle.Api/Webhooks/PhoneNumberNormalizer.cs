using PhoneNumbers;

namespace Turtle.Api.Webhooks;

/// <summary>Turns what a client typed into an E.164 number (libphonenumber), or null when it is not a valid number.</summary>
public sealed class PhoneNumberNormalizer(string defaultRegion)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public string DefaultRegion { get; } = defaultRegion;

    public static bool IsKnownRegion(string region) => Util.GetSupportedRegions().Contains(region);

    public string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            return null;
        }
        try
        {
            var number = Util.Parse(text, DefaultRegion);
            return Util.IsValidNumber(number) ? Util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>For logs: country code and last four digits only, e.g. <c>+91******3210</c>.</summary>
    public static string Mask(string? e164)
    {
        if (string.IsNullOrEmpty(e164))
        {
            return "(none)";
        }
        var digits = new string(e164.Where(char.IsAsciiDigit).ToArray());
        var countryCode = CountryCodeLength(e164);
        if (digits.Length <= countryCode + 4)
        {
            return "+" + new string('*', digits.Length);
        }
        return "+" + digits[..countryCode] + new string('*', digits.Length - countryCode - 4) + digits[^4..];
    }

    private static int CountryCodeLength(string e164)
    {
        try
        {
            return Util.Parse(e164, "ZZ").CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        }
        catch (NumberParseException)
        {
            return 0;
        }
    }
}
