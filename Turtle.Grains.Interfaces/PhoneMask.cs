namespace Turtle.Grains;

/// <summary>Phone numbers as they may appear in logs, the outbox and the API: <c>+91******3210</c>.</summary>
public static class PhoneMask
{
    public static string Mask(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return "";
        }
        var digits = Digits(phone);
        var prefix = phone.TrimStart().StartsWith('+') ? "+" : "";
        // Short numbers keep less, so at least half of the digits stay hidden.
        var (head, tail) = digits.Length >= 10 ? (2, 4) : digits.Length >= 6 ? (1, 2) : (0, 0);
        return prefix + digits[..head] + new string('*', digits.Length - head - tail) + digits[^tail..];
    }

    /// <summary>The digits of an E.164 number, as Meta's <c>to</c> and <c>wa_id</c> carry it.</summary>
    public static string Digits(string phone) => string.Concat(phone.Where(char.IsAsciiDigit));
}
