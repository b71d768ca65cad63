using PhoneNumbers;

namespace Turtle.Grains.Messaging;

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

    /// <summary>The ISO country of an E.164 number (<c>IN</c> for <c>+91…</c>), or null.</summary>
    public static string? CountryOf(string? e164)
    {
        if (string.IsNullOrWhiteSpace(e164))
        {
            return null;
        }
        try
        {
            var region = Util.GetRegionCodeForNumber(Util.Parse(e164, null));
            return string.IsNullOrEmpty(region) || region == "ZZ" ? null : region;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
