namespace Turtle.Grains;

/// <summary>Phone numbers leave Turtle's storage only masked: country code and last four digits.</summary>
public static class PhoneMask
{
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "-";
        }
        var digits = phone.TrimStart('+');
        if (digits.Length <= 6)
        {
            return new string('*', digits.Length);
        }
        // E.164 country codes are 1-3 digits; two keeps the region recognisable without revealing the number.
        var head = digits[..2];
        var tail = digits[^4..];
        return $"+{head}{new string('*', digits.Length - 6)}{tail}";
    }
}
