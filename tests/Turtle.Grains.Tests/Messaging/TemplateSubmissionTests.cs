using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Messaging;

public sealed class TemplateSubmissionTests
{
    public static TheoryData<NotificationKind> Kinds() => [.. MessageTemplates.All.Select(t => t.Kind)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryDefaultWordingIsSubmittableAsMetaFormatsTemplates(NotificationKind kind)
    {
        var standard = MessageTemplates.Of(kind);

        var (submission, refusal) = TemplateSubmission.For(standard, standard.ToOptions());

        Assert.True(submission is not null, refusal);
        var body = Assert.Single(submission.Components, c => c.Type == "BODY");
        Assert.Equal(standard.Body, body.Text);
        Assert.Equal(standard.Parameters.Count, Assert.Single(body.Example!.BodyText).Count);
        Assert.DoesNotContain(MessageTemplates.DefaultExample, body.Example.BodyText[0]);
    }

    [Fact]
    public void ASubmissionIsTheDefaultWordingInUtilityWithExamples()
    {
        var standard = MessageTemplates.Of(NotificationKind.Confirmation);

        var json = JsonDocument.Parse(MessageTemplateClient.Json(TemplateSubmission.For(standard, standard.ToOptions()).Submission!)).RootElement;

        Assert.Equal("turtle_booking_confirmation", json.GetProperty("name").GetString());
        Assert.Equal("en", json.GetProperty("language").GetString());
        Assert.Equal("UTILITY", json.GetProperty("category").GetString());
        var component = Assert.Single(json.GetProperty("components").EnumerateArray());
        Assert.Equal("BODY", component.GetProperty("type").GetString());
        Assert.Equal(standard.Body, component.GetProperty("text").GetString());
        Assert.Equal(["Asha Rao", "Tue, 25 Nov 2026, 3:30 PM (GMT+05:30)", "Priya Sharma"],
            component.GetProperty("example").GetProperty("body_text")[0].EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void QuickRepliesBecomeQuickReplyButtons()
    {
        var standard = MessageTemplates.Of(NotificationKind.Confirmation) with { QuickReplies = [new("Yes, I will attend", "attend"), new("I can't make it", "decline")] };

        var submission = TemplateSubmission.For(standard, standard.ToOptions()).Submission!;

        var buttons = Assert.Single(submission.Components, c => c.Type == "BUTTONS").Buttons!;
        Assert.Equal([("QUICK_REPLY", "Yes, I will attend"), ("QUICK_REPLY", "I can't make it")], buttons.Select(b => (b.Type, b.Text)));
    }

    [Fact]
    public void ConfiguredParametersOtherThanTheWordingsAreNotSubmitted()
    {
        var standard = MessageTemplates.Of(NotificationKind.Reminder);
        var configured = standard.ToOptions();
        configured.Parameters.RemoveAt(2);

        var (submission, refusal) = TemplateSubmission.For(standard, configured);

        Assert.Null(submission);
        Assert.Contains("WhatsApp:Templates:Reminder:Parameters", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void ALanguageTurtleHasNoWordingForIsNotSubmittedInEnglish()
    {
        var standard = MessageTemplates.Of(NotificationKind.Reminder);
        var configured = standard.ToOptions();
        configured.Language = "ta";

        var (submission, refusal) = TemplateSubmission.For(standard, configured);

        Assert.Null(submission);
        Assert.Contains("no ta wording for Reminder", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void HindiIsSubmittedInTurtlesHindiWording()
    {
        var standard = MessageTemplates.Of(NotificationKind.Reconfirm);

        var submission = TemplateSubmission.For(standard, standard.ToOptions(), "hi").Submission!;

        Assert.Equal("hi", submission.Language);
        Assert.Equal(standard.Translations["hi"].Body, Assert.Single(submission.Components, c => c.Type == "BODY").Text);
        Assert.Equal(standard.Translations["hi"].QuickReplies, Assert.Single(submission.Components, c => c.Type == "BUTTONS").Buttons!.Select(b => b.Text));
    }

    [Theory]
    [InlineData("{{1}}, your meeting is at {{2}}.", 2, "starts or ends")]
    [InlineData("Hello {{1}}, join at {{2}}", 2, "starts or ends")]
    [InlineData("Hello {{2}}, at {{1}} today.", 2, "expected")]
    [InlineData("Hello {{1}} {{2}} today.", 2, "side by side")]
    [InlineData("Hello {{1}}, today.", 2, "expected")]
    [InlineData("Hello {{1}}, your meeting is with {{2}}.", 2, "starts or ends")]
    [InlineData("Hello {{1}}, you will meet {{2}}. {{3}} See you then at our office.", 3, "side by side")]
    [InlineData("Hello {{1}}, {{2}} has booked a meeting with you today.", 2, "side by side")]
    [InlineData("Hi {{1}}, at {{2}} now.", 2, "fixed words")]
    [InlineData("Hello {{1}}, book again now and get 20% off your next consultation with us.", 1, "promotion")]
    [InlineData("Hello {{1}}, the slot is free again for anyone who wants it today.", 1, "promotion")]
    [InlineData("Hello {{1}}, see our exclusive offer on retirement plans this week.", 1, "promotion")]
    public void MetasFormattingRulesAreChecked(string body, int parameters, string problem) =>
        Assert.Contains(problem, TemplateSubmission.Problem(body, parameters), StringComparison.Ordinal);

    [Fact]
    public void AWordingWithinTheRulesHasNoProblem() =>
        Assert.Null(TemplateSubmission.Problem("Hello {{1}}, your meeting is at {{2}}. See you then.", 2));

    [Theory]
    [InlineData("WABA-1", "WhatsApp:BusinessAccountId")]
    [InlineData("12 34", "WhatsApp:BusinessAccountId")]
    public void ABusinessAccountIdThatIsNotANumberIsRefusedNamingTheKey(string value, string key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WhatsApp:BusinessAccountId"] = value }).Build();
        using var services = new ServiceCollection().AddMessageTemplateManagement(configuration).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WhatsAppOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void ManagingTemplatesNeedsNoPhoneNumberIdButSendingDoes()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WhatsApp:AccessToken"] = "token" }).Build();
        using var templates = new ServiceCollection().AddMessageTemplateManagement(configuration).BuildServiceProvider();
        using var sending = new ServiceCollection().AddLogging().AddMessaging(configuration).BuildServiceProvider();

        Assert.Equal("token", templates.GetRequiredService<IOptions<WhatsAppOptions>>().Value.AccessToken);
        var failure = Assert.Throws<OptionsValidationException>(() => sending.GetRequiredService<IOptions<WhatsAppOptions>>().Value);
        Assert.Contains(failure.Failures, f => f.Contains("WhatsApp:PhoneNumberId", StringComparison.Ordinal));
    }
}

/// <summary><see cref="MessageTemplateClient"/> against the fake Graph API's message_templates edge, over real HTTP.</summary>
public sealed class MessageTemplateClientTests : IAsyncLifetime
{
    private readonly FakeWhatsAppApi _meta = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _meta.StartAsync();
        _services = Services(_meta.AccessToken, FakeWhatsAppApi.BusinessAccountId);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _meta.DisposeAsync();
    }

    [Fact]
    public async Task ListingReadsEveryPageAndKeepsOnlyTheExactName()
    {
        for (var i = 0; i < 130; i++)
        {
            _meta.SeedTemplate($"turtle_booking_confirmation_v{i}", "en", "APPROVED");
        }
        _meta.SeedTemplate("turtle_booking_confirmation", "en_US", "REJECTED", rejectedReason: "INVALID_FORMAT");
        _meta.SeedTemplate("turtle_booking_confirmation", "en", "PENDING");

        var found = await _services.GetRequiredService<MessageTemplateClient>().ListAsync("turtle_booking_confirmation");

        Assert.Equal([("en_US", "REJECTED", "INVALID_FORMAT"), ("en", "PENDING", "NONE")], found.Select(t => (t.Language, t.Status, t.RejectedReason)));
        Assert.Equal(2, _meta.TemplateRequests.Count(r => r.Method == "GET"));
        Assert.Contains(_meta.TemplateRequests, r => r.PathAndQuery.Contains("after=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARefusedTokenIsToldApart()
    {
        await using var services = Services("not-the-token", FakeWhatsAppApi.BusinessAccountId);

        var failure = await Assert.ThrowsAsync<MetaApiException>(() => services.GetRequiredService<MessageTemplateClient>().ListAsync("turtle_booking_confirmation"));

        Assert.True(failure.IsTokenRefused);
        Assert.DoesNotContain("not-the-token", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASubmissionIsPendingAndASecondOfTheSameNameIsRefused()
    {
        var standard = MessageTemplates.Of(NotificationKind.Reminder);
        var submission = TemplateSubmission.For(standard, standard.ToOptions()).Submission!;
        var client = _services.GetRequiredService<MessageTemplateClient>();

        var created = await client.CreateAsync(submission);
        var again = await Assert.ThrowsAsync<MetaApiException>(() => client.CreateAsync(submission));

        Assert.Equal("PENDING", created.Status);
        Assert.False(string.IsNullOrEmpty(created.Id));
        Assert.Contains("already exists", again.Message, StringComparison.Ordinal);
        Assert.Equal("PENDING", Assert.Single(await client.ListAsync(standard.Name)).Status);
    }

    private ServiceProvider Services(string token, string account) => new ServiceCollection()
        .AddMessageTemplateManagement(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WhatsApp:ApiBaseUrl"] = _meta.BaseUrl.ToString(),
            ["WhatsApp:AccessToken"] = token,
            ["WhatsApp:BusinessAccountId"] = account,
        }).Build())
        .BuildServiceProvider();
}
