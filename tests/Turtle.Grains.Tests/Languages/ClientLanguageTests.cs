using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Tests.Cluster;

namespace Turtle.Grains.Tests.Languages;

/// <summary>SPEC §15: which language a booking's client is written to in, and how its times read.</summary>
public class ClientLanguageTests
{
    private static readonly string[] EnglishAndHindi = ["en", "hi"];
    private static readonly Dictionary<string, string> IndiaInHindi = new(StringComparer.OrdinalIgnoreCase) { ["IN"] = "hi" };

    private static BookingDetails Answering(string? answer, string question = "Which language would you like our messages in?") =>
        Bookings.New(TimeSpan.FromDays(3)) with { Answers = answer is null ? [] : [new BookingAnswer(question, answer)] };

    [Theory]
    [InlineData("Hindi", "hi")]
    [InlineData("हिंदी", "hi")]
    [InlineData("हिन्दी please", "hi")]
    [InlineData("hi", "hi")]
    [InlineData("English", "en")]
    [InlineData("EN", "en")]
    public void TheAnswerToTheLanguageQuestionChoosesAConfiguredLanguage(string answer, string expected) =>
        Assert.Equal(expected, ClientLanguage.Resolve(Answering(answer), EnglishAndHindi, IndiaInHindi, "IN"));

    [Fact]
    public void AnUnconfiguredLanguageOrNoAnswerFallsToThePhonesCountryThenTheDefault()
    {
        Assert.Equal("hi", ClientLanguage.Resolve(Answering("Marathi"), EnglishAndHindi, IndiaInHindi, "IN"));
        Assert.Equal("hi", ClientLanguage.Resolve(Answering(null), EnglishAndHindi, IndiaInHindi, "IN"));
        Assert.Equal("en", ClientLanguage.Resolve(Answering(null), EnglishAndHindi, IndiaInHindi, "GB"));
        Assert.Equal("en", ClientLanguage.Resolve(Answering("Hindi"), ["en"], IndiaInHindi, "IN"));
        // Only a question about language is read for it.
        Assert.Equal("en", ClientLanguage.Resolve(Answering("Hindi", "What would you like to discuss?"), EnglishAndHindi, new Dictionary<string, string>(), "IN"));
    }

    [Fact]
    public void ThePhonesCountryIsItsCallingCodesRegion()
    {
        Assert.Equal("IN", PhoneNumberNormalizer.CountryOf("+919876543210"));
        Assert.Equal("GB", PhoneNumberNormalizer.CountryOf("+442079460000"));
        Assert.Null(PhoneNumberNormalizer.CountryOf("not a number"));
    }

    [Fact]
    public void MeetingTimesReadInTheClientsLanguage()
    {
        var start = new DateTimeOffset(2026, 12, 14, 10, 0, 0, TimeSpan.Zero);

        var hindi = TemplateRenderer.FormatMeetingTime(start, "Asia/Kolkata", "hi");
        var english = TemplateRenderer.FormatMeetingTime(start, "Asia/Kolkata", "en");

        Assert.Equal("Mon, 14 Dec 2026, 3:30 PM (GMT+05:30)", english);
        Assert.Contains("दिस", hindi, StringComparison.Ordinal);
        Assert.Contains("सोम", hindi, StringComparison.Ordinal);
        Assert.EndsWith("(GMT+05:30)", hindi, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryClientFacingKindHasHindiWordingThatMetasRulesAccept()
    {
        foreach (var template in MessageTemplates.All.Where(t => MessageKinds.Of(t.Kind).Audience == Audience.Client))
        {
            var hindi = Assert.Contains("hi", template.Translations);
            Assert.True(TemplateSubmission.Problem(hindi.Body, template.Parameters.Count) is null, $"{template.Kind}: {TemplateSubmission.Problem(hindi.Body, template.Parameters.Count)}");
            Assert.Equal(template.QuickReplies.Count, template.QuickReplyTextsIn("hi").Count);
            Assert.All(template.QuickReplyTextsIn("hi"), text => Assert.InRange(text.Length, 1, 25));
        }
    }
}
