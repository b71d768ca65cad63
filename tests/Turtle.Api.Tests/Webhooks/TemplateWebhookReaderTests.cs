using Turtle.Api.Webhooks;
using Turtle.Grains.Templates;
using Turtle.Testing.WhatsApp;

namespace Turtle.Api.Tests.Webhooks;

/// <summary>The WABA template webhooks, as Meta's references shape them (the fake builds them from those pages).</summary>
public sealed class TemplateWebhookReaderTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);
    private readonly FakeWhatsAppApi _meta = new();

    private static WhatsAppWebhookBatch Parse(string body) => WhatsAppWebhookParser.Parse(System.Text.Encoding.UTF8.GetBytes(body), FakeWhatsAppApi.DefaultPhoneNumberId);

    [Fact]
    public void APauseIsReadWithItsTitleCategoryAndTimeThoughItNamesNoPhoneNumber()
    {
        var batch = Parse(_meta.BuildTemplateStatusPayload("turtle_missed_meeting", "en", "PAUSED", at: At));

        var change = Assert.Single(batch.Templates);
        Assert.Equal(FakeWhatsAppApi.BusinessAccountId, change.BusinessAccountId);
        var update = change.Update;
        Assert.Equal((TemplateUpdateField.Status, "turtle_missed_meeting", "en", "PAUSED", "UTILITY", At), (update.Field, update.Name, update.Language, update.Event, update.Category, update.At));
        Assert.StartsWith("FIRST_PAUSE", update.Reason, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(update.TemplateId));
        Assert.Equal(1, batch.Count);
        Assert.Equal(0, batch.Ignored);
    }

    [Fact]
    public void ARejectionCarriesMetasReasonAndExplanation()
    {
        var update = Assert.Single(Parse(_meta.BuildTemplateStatusPayload("turtle_advisor_bio", "en", "REJECTED", "INVALID_FORMAT", at: At)).Templates).Update;

        Assert.StartsWith("INVALID_FORMAT: Variables can't be at the start or end", update.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnApprovalWithReasonNoneHasNoReason() =>
        Assert.Null(Assert.Single(Parse(_meta.BuildTemplateStatusPayload("turtle_advisor_bio", "en", "APPROVED", at: At)).Templates).Update.Reason);

    [Fact]
    public void ACompletedRecategorisationNamesBothCategories()
    {
        var update = Assert.Single(Parse(_meta.BuildTemplateCategoryPayload("turtle_missed_meeting", "en_US", "UTILITY", "MARKETING", At)).Templates).Update;

        Assert.Equal((TemplateUpdateField.Category, "en_US", "UTILITY", "MARKETING", null), (update.Field, update.Language, update.PreviousCategory, update.Category, update.AnnouncedCategory));
    }

    [Fact]
    public void AnAnnouncedRecategorisationKeepsTheCurrentCategoryAndSaysWhatComesAndWhen()
    {
        var update = Assert.Single(Parse(_meta.BuildCategoryAnnouncementPayload("turtle_missed_meeting", "en", "UTILITY", "MARKETING", At.AddDays(1), At)).Templates).Update;

        Assert.Equal(("UTILITY", "MARKETING", At.AddDays(1), At), (update.Category, update.AnnouncedCategory, update.AnnouncedFor, update.At));
    }

    [Fact]
    public void AQualityChangeIsRead()
    {
        var update = Assert.Single(Parse(_meta.BuildTemplateQualityPayload("turtle_meeting_reminder", "en", "GREEN", "YELLOW", At)).Templates).Update;

        Assert.Equal((TemplateUpdateField.Quality, "YELLOW"), (update.Field, update.Quality));
    }

    [Theory]
    [InlineData("""{"entry":[{"id":"1","time":1765099800,"changes":[{"field":"message_template_status_update","value":{"event":"PAUSED","message_template_language":"en"}}]}]}""")]
    [InlineData("""{"entry":[{"id":"1","time":1765099800,"changes":[{"field":"message_template_status_update","value":{"message_template_name":"x","message_template_language":"en"}}]}]}""")]
    [InlineData("""{"entry":[{"id":"1","time":1765099800,"changes":[{"field":"template_category_update","value":{"message_template_name":"x","message_template_language":"en"}}]}]}""")]
    [InlineData("""{"entry":[{"id":"1","time":"soon","changes":[{"field":"account_update","value":{"message_template_name":"x","message_template_language":"en","event":"PAUSED"}}]}]}""")]
    public void AChangeNamingNoTemplateOrNothingToApplyIsSkipped(string body) => Assert.Empty(Parse(body).Templates);
}
