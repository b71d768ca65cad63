using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Messaging;

public sealed class WhatsAppOptionsTests
{
    [Fact]
    public void NothingConfiguredGivesTheDefaultTemplatesAndDryRun()
    {
        var options = Options([]);

        Assert.True(options.IsDryRun);
        Assert.Equal("https://graph.facebook.com", options.ApiBaseUrl);
        Assert.Equal("v23.0", options.ApiVersion);
        Assert.Equal(".data/outbox.jsonl", options.OutboxPath);
        foreach (var kind in Enum.GetValues<NotificationKind>())
        {
            var template = options.TemplateFor(kind);
            var expected = MessageTemplates.Of(kind).ToOptions();
            Assert.Equal(expected.Name, template.Name);
            Assert.Equal("en", template.Language);
            Assert.Equal(expected.Parameters, template.Parameters);
        }
        Assert.Equal(["client_name", "advisor_name", "advisor_bio", "meeting_time"], options.TemplateFor(NotificationKind.AdvisorBio).Parameters);
        Assert.Equal("turtle_booking_cancelled", options.TemplateFor(NotificationKind.Cancellation).Name);
    }

    [Fact]
    public void ConfiguredParametersReplaceTheDefaultsInsteadOfAppending()
    {
        var options = Options(new()
        {
            ["WhatsApp:Templates:Reminder:Name"] = "acme_reminder",
            ["WhatsApp:Templates:Reminder:Language"] = "en_US",
            ["WhatsApp:Templates:Reminder:Parameters:0"] = "client_first_name",
            ["WhatsApp:Templates:Reminder:Parameters:1"] = "join_url",
        });

        var reminder = options.TemplateFor(NotificationKind.Reminder);
        Assert.Equal("acme_reminder", reminder.Name);
        Assert.Equal("en_US", reminder.Language);
        Assert.Equal(["client_first_name", "join_url"], reminder.Parameters);
        Assert.Equal(MessageTemplates.Of(NotificationKind.Confirmation).ToOptions().Parameters, options.TemplateFor(NotificationKind.Confirmation).Parameters);
    }

    [Fact]
    public void OnlyTheConfiguredFieldOfAKindChanges()
    {
        var options = Options(new() { ["WhatsApp:Templates:advisorbio:Language"] = "hi" });

        var bio = options.TemplateFor(NotificationKind.AdvisorBio);
        Assert.Equal("turtle_advisor_bio", bio.Name);
        Assert.Equal("hi", bio.Language);
        Assert.Equal(["client_name", "advisor_name", "advisor_bio", "meeting_time"], bio.Parameters);
    }

    [Fact]
    public void UnknownVariableFailsStartNamingTheKey()
    {
        var error = StartFailure(new()
        {
            ["WhatsApp:Templates:Reminder:Parameters:0"] = "client_name",
            ["WhatsApp:Templates:Reminder:Parameters:1"] = "foo",
        });

        Assert.Contains("WhatsApp:Templates:Reminder:Parameters:1 'foo' is not a known variable", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientJourneyKindsHaveTheirDefaultTemplatesAndCanBeMappedToOthers()
    {
        var options = Options(new()
        {
            ["WhatsApp:Templates:FollowUp:Name"] = "acme_thank_you",
            ["WhatsApp:Templates:FollowUp:Parameters:0"] = "client_first_name",
            ["WhatsApp:Templates:NoShow:Parameters:0"] = "client_first_name",
            ["WhatsApp:Templates:NoShow:Parameters:1"] = "booking_url",
        });

        Assert.Equal("turtle_attendance_check", options.TemplateFor(NotificationKind.Reconfirm).Name);
        Assert.Equal(["client_name", "meeting_time", "advisor_name"], options.TemplateFor(NotificationKind.Reconfirm).Parameters);
        Assert.Equal(["client_name", "reschedule_url"], options.TemplateFor(NotificationKind.RescheduleOffer).Parameters);
        Assert.Equal("turtle_missed_meeting", options.TemplateFor(NotificationKind.NoShow).Name);
        Assert.Equal(["client_first_name", "booking_url"], options.TemplateFor(NotificationKind.NoShow).Parameters);
        Assert.Equal("acme_thank_you", options.TemplateFor(NotificationKind.FollowUp).Name);
        Assert.Equal(["client_first_name"], options.TemplateFor(NotificationKind.FollowUp).Parameters);
    }

    [Fact]
    public void UnknownVariableOfANewKindFailsStartNamingTheKey() =>
        Assert.Contains("WhatsApp:Templates:FollowUp:Parameters:0 'rating' is not a known variable",
            StartFailure(new() { ["WhatsApp:Templates:FollowUp:Parameters:0"] = "rating" }), StringComparison.Ordinal);

    [Theory]
    [InlineData("Notifications:DisabledKinds:0", "Thanks", "Notifications:DisabledKinds:0 'Thanks' is not a message kind")]
    [InlineData("Notifications:ReconfirmLeadTime", "-01:00:00", "Notifications:ReconfirmLeadTime")]
    [InlineData("Notifications:FollowUpDelay", "-00:10:00", "Notifications:FollowUpDelay")]
    [InlineData("Calendly:BookingUrl", "calendly.com/firm", "Calendly:BookingUrl")]
    [InlineData("Notifications:WatchdogRecoveryGrace", "00:00:00", "Notifications:WatchdogRecoveryGrace")]
    [InlineData("Notifications:WatchdogRecoveryInterval", "00:00:01", "Notifications:WatchdogRecoveryInterval must be at least half")]
    public void BadClientJourneySettingFailsStartNamingTheKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddTurtleGrains(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, error is AggregateException all ? string.Join("; ", all.InnerExceptions.Select(e => e.Message)) : error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenWithoutPhoneNumberIdFailsStartNamingTheKey()
    {
        var error = StartFailure(new() { ["WhatsApp:AccessToken"] = "secret-token" });

        Assert.Contains("WhatsApp:PhoneNumberId", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WhatsApp:Templates:Remindr:Name", "turtle_x", "WhatsApp:Templates:Remindr")]
    [InlineData("WhatsApp:Templates:Reminder:Name", "Bad Name", "WhatsApp:Templates:Reminder:Name")]
    [InlineData("WhatsApp:Templates:Reminder:Language", "english!", "WhatsApp:Templates:Reminder:Language")]
    [InlineData("WhatsApp:ApiBaseUrl", "graph.facebook.com", "WhatsApp:ApiBaseUrl")]
    [InlineData("WhatsApp:ApiVersion", "23", "WhatsApp:ApiVersion")]
    public void BadValueFailsStartNamingTheKey(string key, string value, string named) =>
        Assert.Contains(named, StartFailure(new() { [key] = value }), StringComparison.Ordinal);

    [Fact]
    public void TokenWithPhoneNumberIdStartsAndSends()
    {
        using var provider = Provider(new() { ["WhatsApp:AccessToken"] = "t", ["WhatsApp:PhoneNumberId"] = "123" });
        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.False(provider.GetRequiredService<IOptions<WhatsAppOptions>>().Value.IsDryRun);
    }

    private static WhatsAppOptions Options(Dictionary<string, string?> values)
    {
        using var provider = Provider(values);
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
    }

    private static string StartFailure(Dictionary<string, string?> values)
    {
        using var provider = Provider(values);
        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        return error is AggregateException aggregate ? string.Join("; ", aggregate.InnerExceptions.Select(e => e.Message)) : error.Message;
    }

    internal static ServiceProvider Provider(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMessaging(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
