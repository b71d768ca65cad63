namespace Turtle.Grains.Calendly;

/// <summary>What the firm's booking questions ask, as far as Turtle reads them.</summary>
public static class BookingQuestions
{
    /// <summary>Words of questions that ask for a number ("Phone no.", "WhatsApp no", "Mobile/WhatsApp", "Contact number").</summary>
    private static readonly string[] PhoneQuestionWords = ["phone", "whatsapp", "mobile", "contact number", "contact no"];

    public static bool AsksForPhone(string? question) =>
        question is not null && PhoneQuestionWords.Any(w => question.Contains(w, StringComparison.OrdinalIgnoreCase));
}
