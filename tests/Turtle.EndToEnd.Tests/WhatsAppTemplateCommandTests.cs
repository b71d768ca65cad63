using System.Text.Json;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// <c>./turtle whatsapp templates [--create]</c>: the built Turtle.Api binary in command mode against the fake Graph
/// API's message_templates edge, configured by environment variables as an operator would. Kinds are read from
/// Turtle's catalog, so kinds added later are checked too.
/// </summary>
public sealed class WhatsAppTemplateCommandTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<MessageTemplate> Catalog = [.. MessageTemplates.All];

    private readonly FakeWhatsAppApi _meta = new();

    public Task InitializeAsync() => _meta.StartAsync();

    public Task DisposeAsync() => _meta.DisposeAsync().AsTask();

    [Fact]
    public async Task EachKindsStatusAtMetaIsListedAndAnythingButAllApprovedExitsOne()
    {
        foreach (var template in Catalog)
        {
            _meta.SeedTemplate(template.Name, "en", "APPROVED");
        }
        Replace("turtle_booking_rescheduled", "PENDING");
        Replace("turtle_advisor_bio", "REJECTED", "INVALID_FORMAT");
        Remove("turtle_meeting_reminder");
        _meta.SeedTemplate("turtle_meeting_reminder_v2", "en", "APPROVED");
        Remove("turtle_booking_cancelled");
        _meta.SeedTemplate("turtle_booking_cancelled", "en_US", "APPROVED");

        var result = await Turtle("whatsapp", "templates");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"Confirmation\s+turtle_booking_confirmation \(en\)\s+APPROVED", result.Output);
        Assert.Matches(@"Rescheduled\s+turtle_booking_rescheduled \(en\)\s+PENDING", result.Output);
        Assert.Matches(@"AdvisorBio\s+turtle_advisor_bio \(en\)\s+REJECTED \(INVALID_FORMAT\)", result.Output);
        Assert.Matches(@"Reminder\s+turtle_meeting_reminder \(en\)\s+missing", result.Output);
        Assert.Matches(@"Cancellation\s+turtle_booking_cancelled \(en\)\s+missing", result.Output);
        Assert.Contains($"4 of {Catalog.Count} templates are not approved", result.Output, StringComparison.Ordinal);
        Assert.Contains("--create", result.Output, StringComparison.Ordinal);
        Assert.Empty(_meta.SubmittedTemplates);
        Assert.All(_meta.TemplateRequests, r => Assert.StartsWith($"/v23.0/{FakeWhatsAppApi.BusinessAccountId}/message_templates?name=", r.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATemplateMetaMovedToMarketingShowsBothCategoriesAndExitsOne()
    {
        foreach (var template in Catalog)
        {
            _meta.SeedTemplate(template.Name, "en", "APPROVED");
        }
        _meta.Recategorise("turtle_missed_meeting", "en", "MARKETING");

        var result = await Turtle("whatsapp", "templates");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"NoShow\s+turtle_missed_meeting \(en\)\s+APPROVED\s+category MARKETING, intended UTILITY\s+MISMATCH", result.Output);
        Assert.Matches(@"Confirmation\s+turtle_booking_confirmation \(en\)\s+APPROVED\s+category UTILITY, intended UTILITY\r?\n", result.Output);
        Assert.Contains($"1 of {Catalog.Count} templates are not in their intended category UTILITY: turtle_missed_meeting (en) is MARKETING", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not approved", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllApprovedIsInOrder()
    {
        foreach (var template in Catalog)
        {
            _meta.SeedTemplate(template.Name, "en", "APPROVED");
        }

        var result = await Turtle("whatsapp", "templates");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"all {Catalog.Count} templates are approved", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSubmitsTheMissingOnesInTheDefaultWordingAndASecondRunSubmitsNothing()
    {
        _meta.SeedTemplate("turtle_booking_confirmation", "en", "APPROVED");
        _meta.SeedTemplate("turtle_advisor_bio", "en", "REJECTED", rejectedReason: "INVALID_FORMAT");

        var created = await Turtle("whatsapp", "templates", "--create");

        Assert.True(created.ExitCode == 1, created.ToString());
        var submitted = _meta.SubmittedTemplates.Select(b => JsonDocument.Parse(b).RootElement).ToList();
        var expected = Catalog.Where(t => t.Name is not ("turtle_booking_confirmation" or "turtle_advisor_bio")).ToList();
        Assert.Equal(expected.Select(t => t.Name).Order(), submitted.Select(s => s.GetProperty("name").GetString()!).Order());
        foreach (var body in submitted)
        {
            var standard = Catalog.Single(t => t.Name == body.GetProperty("name").GetString());
            Assert.Equal("en", body.GetProperty("language").GetString());
            Assert.Equal("UTILITY", body.GetProperty("category").GetString());
            var text = body.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("type").GetString() == "BODY");
            Assert.Equal(standard.Body, text.GetProperty("text").GetString());
            Assert.Equal(standard.Parameters.Count, text.GetProperty("example").GetProperty("body_text")[0].GetArrayLength());
            Assert.Contains($"Submitting {standard.Name} (en) for {standard.Kind}, category UTILITY:", created.Output, StringComparison.Ordinal);
            Assert.Contains(standard.Body, created.Output, StringComparison.Ordinal);
        }
        Assert.Contains("Meta: PENDING", created.Output, StringComparison.Ordinal);

        var again = await Turtle("whatsapp", "templates", "--create");

        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Equal(expected.Count, _meta.SubmittedTemplates.Count);
        Assert.DoesNotContain("Submitting", again.Output, StringComparison.Ordinal);
        Assert.Matches(@"Reminder\s+turtle_meeting_reminder \(en\)\s+PENDING", again.Output);
    }

    [Fact]
    public async Task CreateSubmitsEachClientKindInEveryLanguageAndTheAdvisorsKindsInTheDefault()
    {
        var created = await Turtle(new Dictionary<string, string?> { ["WhatsApp__Languages__0"] = "en", ["WhatsApp__Languages__1"] = "hi" }, "whatsapp", "templates", "--create");

        Assert.True(created.ExitCode == 1, created.ToString());
        var submitted = _meta.SubmittedTemplates.Select(b => JsonDocument.Parse(b).RootElement)
            .Select(b => (Name: b.GetProperty("name").GetString()!, Language: b.GetProperty("language").GetString()!, Body: b)).ToList();
        foreach (var standard in Catalog)
        {
            var client = MessageKinds.Of(standard.Kind).Audience == Audience.Client;
            Assert.Equal(client ? ["en", "hi"] : ["en"], submitted.Where(s => s.Name == standard.Name).Select(s => s.Language).Order());
            if (client)
            {
                var hindi = submitted.Single(s => s.Name == standard.Name && s.Language == "hi").Body;
                var text = hindi.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("type").GetString() == "BODY").GetProperty("text").GetString();
                Assert.Equal(standard.Translations["hi"].Body, text);
                Assert.Matches($@"{standard.Kind}\s+{standard.Name} \(hi\)", created.Output);
            }
        }
    }

    [Fact]
    public async Task DisabledKindsAreLeftOut()
    {
        foreach (var template in Catalog.Where(t => t.Name != "turtle_meeting_reminder"))
        {
            _meta.SeedTemplate(template.Name, "en", "APPROVED");
        }

        var result = await Turtle(new Dictionary<string, string?> { ["Notifications__DisabledKinds__0"] = "Reminder" }, "whatsapp", "templates");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("turtle_meeting_reminder", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfiguredNameIsTheOneLookedUpAndSubmitted()
    {
        var result = await Turtle(new Dictionary<string, string?> { ["WhatsApp__Templates__Confirmation__Name"] = "acme_booking_confirmed" }, "whatsapp", "templates", "--create");

        Assert.Matches(@"Confirmation\s+acme_booking_confirmed \(en\)\s+missing", result.Output);
        Assert.Contains(_meta.SubmittedTemplates, b => JsonDocument.Parse(b).RootElement.GetProperty("name").GetString() == "acme_booking_confirmed");
    }

    [Theory]
    [InlineData("WhatsApp__AccessToken", "", "WhatsApp:AccessToken is required")]
    [InlineData("WhatsApp__BusinessAccountId", "", "WhatsApp:BusinessAccountId is required")]
    [InlineData("WhatsApp__BusinessAccountId", "my-waba", "WhatsApp:BusinessAccountId")]
    [InlineData("WhatsApp__BusinessAccountId", "999999999999999", "WhatsApp:BusinessAccountId")]
    [InlineData("WhatsApp__AccessToken", "expired-token-123", "WhatsApp:AccessToken")]
    [InlineData("WhatsApp__ApiVersion", "23", "WhatsApp:ApiVersion")]
    public async Task BadConfigurationExitsTwoNamingTheKey(string variable, string value, string message)
    {
        var result = await Turtle(new Dictionary<string, string?> { [variable] = value }, "whatsapp", "templates");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("expired-token-123", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Empty(_meta.SubmittedTemplates);
    }

    [Fact]
    public async Task HelpListsTheVerb()
    {
        var root = await Turtle("--help");
        var verb = await Turtle("whatsapp", "templates", "--help");

        Assert.True(root.ExitCode == 0 && verb.ExitCode == 0, root.ToString() + verb);
        Assert.Contains("turtle whatsapp templates [--create]", root.Output, StringComparison.Ordinal);
        Assert.Contains("--create", verb.Output, StringComparison.Ordinal);
    }

    private void Replace(string name, string status, string? reason = null)
    {
        Remove(name);
        _meta.SeedTemplate(name, "en", status, rejectedReason: reason);
    }

    private void Remove(string name) => _meta.RemoveTemplate(name);

    private Task<CommandResult> Turtle(params string[] arguments) => Turtle(new Dictionary<string, string?>(), arguments);

    private Task<CommandResult> Turtle(Dictionary<string, string?> overrides, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["WhatsApp__ApiBaseUrl"] = _meta.BaseUrl.ToString(),
            ["WhatsApp__AccessToken"] = _meta.AccessToken,
            ["WhatsApp__BusinessAccountId"] = FakeWhatsAppApi.BusinessAccountId,
        };
        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }
        return TurtleCommand.RunAsync(environment, arguments);
    }
}
