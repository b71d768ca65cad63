using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Messaging;

/// <summary>
/// The language a booking's client is written to in (SPEC §15): the answer to a booking question about language (the
/// language's name in English or in itself, or its code), else the language configured for the phone's country, else
/// the first of <c>WhatsApp:Languages</c>. Only a configured language is ever chosen.
/// </summary>
public static class ClientLanguage
{
    /// <summary>Languages Turtle recognises by name: the English name, then the names a speaker writes.</summary>
    private static readonly (string Code, string[] Names)[] Known =
    [
        ("en", ["English", "अंग्रेज़ी", "अंग्रेजी"]),
        ("hi", ["Hindi", "हिंदी", "हिन्दी"]),
        ("mr", ["Marathi", "मराठी"]),
        ("gu", ["Gujarati", "ગુજરાતી"]),
        ("bn", ["Bengali", "Bangla", "বাংলা"]),
        ("ta", ["Tamil", "தமிழ்"]),
        ("te", ["Telugu", "తెలుగు"]),
        ("kn", ["Kannada", "ಕನ್ನಡ"]),
        ("ml", ["Malayalam", "മലയാളം"]),
        ("pa", ["Punjabi", "ਪੰਜਾਬੀ"]),
        ("ur", ["Urdu", "اردو"]),
    ];

    /// <summary>Words that mark a booking question as the one about language.</summary>
    private static readonly string[] QuestionWords = ["language", "भाषा"];

    /// <param name="booking">The booking and its answers.</param>
    /// <param name="languages"><c>WhatsApp:Languages</c>, the first being the default.</param>
    /// <param name="byCountry"><c>Notifications:LanguageByCountry</c>: ISO country → language code.</param>
    /// <param name="country">The ISO country of the client's phone, if known.</param>
    public static string Resolve(BookingDetails booking, IReadOnlyList<string> languages, IReadOnlyDictionary<string, string> byCountry, string? country)
    {
        ArgumentNullException.ThrowIfNull(booking);
        ArgumentNullException.ThrowIfNull(languages);
        ArgumentNullException.ThrowIfNull(byCountry);
        var answered = booking.Answers
            .Where(a => QuestionWords.Any(w => a.Question.Contains(w, StringComparison.OrdinalIgnoreCase)))
            .Select(a => Match(a.Answer, languages))
            .FirstOrDefault(code => code is not null);
        if (answered is not null)
        {
            return answered;
        }
        if (country is not null && byCountry.TryGetValue(country, out var local) && Configured(local, languages) is { } configured)
        {
            return configured;
        }
        return languages.Count > 0 ? languages[0] : MessageTemplate.DefaultLanguage;
    }

    /// <summary>The configured language an answer names (<c>Hindi</c>, <c>हिंदी</c>, <c>hi</c>), or null.</summary>
    public static string? Match(string? answer, IReadOnlyList<string> languages)
    {
        ArgumentNullException.ThrowIfNull(languages);
        var text = answer?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (Configured(text, languages) is { } byCode)
        {
            return byCode;
        }
        foreach (var (code, names) in Known)
        {
            if (names.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)) && Configured(code, languages) is { } named)
            {
                return named;
            }
        }
        return null;
    }

    /// <summary>The configured language <paramref name="code"/> stands for (<c>hi</c> for <c>hi</c> or <c>HI</c>), or null.</summary>
    private static string? Configured(string code, IReadOnlyList<string> languages) =>
        languages.FirstOrDefault(l => string.Equals(l, code, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A booking's client language (<see cref="ClientLanguage"/>) from the configuration.</summary>
public sealed class ClientLanguages(IOptionsMonitor<WhatsAppOptions> whatsApp, IOptions<NotificationOptions> notifications)
{
    public string Default => whatsApp.CurrentValue.DefaultLanguage;

    public string For(BookingDetails booking) =>
        ClientLanguage.Resolve(booking, whatsApp.CurrentValue.Languages, notifications.Value.LanguageByCountry, PhoneNumberNormalizer.CountryOf(booking?.Phone));
}
