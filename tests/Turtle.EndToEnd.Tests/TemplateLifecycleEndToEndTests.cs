using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing.OperationsConsole;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// Meta changing Turtle's templates, on real processes: its WABA webhooks about a pause and a re-categorisation reach
/// <c>GET /api/templates</c>, the attention list and the console's templates page, and Meta's approval as intended
/// clears the attention list again.
/// </summary>
public sealed class TemplateLifecycleEndToEndTests : IAsyncLifetime
{
    private const string NoShowTemplate = "turtle_missed_meeting";
    private const string FollowUpTemplate = "turtle_meeting_follow_up";

    private readonly TurtleDeployment _turtle = new();
    private Uri Webhook => new(_turtle.ApiBase, "/webhooks/whatsapp");

    public Task InitializeAsync() => _turtle.StartAsync();

    public async Task DisposeAsync() => await _turtle.DisposeAsync();

    [Fact]
    public async Task APauseAndARecategorisationAreShownAndListedUntilMetaApprovesThemAsIntended()
    {
        using var http = _turtle.CreateClient();
        var meta = _turtle.WhatsApp;
        meta.SeedTemplate(NoShowTemplate, "en", "APPROVED");
        meta.SeedTemplate(FollowUpTemplate, "en", "APPROVED");

        Assert.Equal(HttpStatusCode.OK, await meta.PostTemplateStatusAsync(Webhook, TurtleDeployment.AppSecret, NoShowTemplate, "en", "PAUSED"));
        Assert.Equal(HttpStatusCode.OK, await meta.PostTemplateQualityAsync(Webhook, TurtleDeployment.AppSecret, NoShowTemplate, "en", "YELLOW", "RED"));
        Assert.Equal(HttpStatusCode.OK, await meta.RecategoriseAsync(Webhook, TurtleDeployment.AppSecret, FollowUpTemplate, "en", "MARKETING"));
        Assert.Equal(HttpStatusCode.Unauthorized, await meta.PostWebhookAsync(Webhook, "not-the-app-secret", meta.BuildTemplateStatusPayload(FollowUpTemplate, "en", "DISABLED")));

        var templates = await TemplatesAsync(http);
        string[] fields = ["kind", "name", "language", "status", "category", "intendedCategory", "quality", "reason", "since"];
        Assert.All(templates, t => Assert.All(fields, f => Assert.True(t.TryGetProperty(f, out _), $"{f} missing from {t}")));
        var noShow = templates.Single(t => t.GetProperty("kind").GetString() == "NoShow");
        Assert.Equal((NoShowTemplate, "en", "PAUSED", "UTILITY", "UTILITY", "RED"), Fields(noShow));
        Assert.StartsWith("FIRST_PAUSE", noShow.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(noShow.TryGetProperty("since", out _));
        var followUp = templates.Single(t => t.GetProperty("kind").GetString() == "FollowUp");
        Assert.Equal((FollowUpTemplate, "en", null, "MARKETING", "UTILITY", null), Fields(followUp));
        var listed = await TemplateEntriesAsync(http);
        Assert.Equal(2, listed.Count);
        Assert.Contains(listed, d => d.Contains($"{NoShowTemplate} (en), used for NoShow", StringComparison.Ordinal) && d.Contains("paused", StringComparison.Ordinal));
        Assert.Contains(listed, d => d.Contains($"{FollowUpTemplate} (en), used for FollowUp", StringComparison.Ordinal) && d.Contains("to MARKETING", StringComparison.Ordinal));

        using var console = new ConsoleSession(_turtle.ApiBase);
        (await console.SignInAsync(TurtleDeployment.AdminKey)).Dispose();
        using var page = await console.GetAsync("/templates");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<a href=\"/templates\" aria-current=\"page\">Templates</a>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Intended</th>", html, StringComparison.Ordinal);
        Assert.Contains(NoShowTemplate, html, StringComparison.Ordinal);
        Assert.Contains(">PAUSED<", html, StringComparison.Ordinal);
        Assert.Contains("MARKETING", html, StringComparison.Ordinal);
        using var attention = await console.GetAsync("/attention");
        Assert.Contains("<a href=\"/templates\">Templates</a>", await attention.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await meta.PostTemplateStatusAsync(Webhook, TurtleDeployment.AppSecret, NoShowTemplate, "en", "APPROVED"));
        Assert.Equal(HttpStatusCode.OK, await meta.RecategoriseAsync(Webhook, TurtleDeployment.AppSecret, FollowUpTemplate, "en", "UTILITY"));

        Assert.Empty(await TemplateEntriesAsync(http));
        Assert.Equal("APPROVED", (await TemplatesAsync(http)).Single(t => t.GetProperty("kind").GetString() == "NoShow").GetProperty("status").GetString());
    }

    private static async Task<List<JsonElement>> TemplatesAsync(HttpClient http) =>
        [.. (await http.GetFromJsonAsync<JsonElement>(new Uri("/api/templates", UriKind.Relative))).GetProperty("items").EnumerateArray()];

    private static async Task<List<string>> TemplateEntriesAsync(HttpClient http) =>
        [.. (await http.GetFromJsonAsync<JsonElement>(new Uri("/api/attention", UriKind.Relative))).GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("reason").GetString() == "template")
            .Select(i => i.GetProperty("detail").GetString()!)];

    private static (string?, string?, string?, string?, string?, string?) Fields(JsonElement item) =>
        (Text(item, "name"), Text(item, "language"), Text(item, "status"), Text(item, "category"), Text(item, "intendedCategory"), Text(item, "quality"));

    private static string? Text(JsonElement item, string name) => item.TryGetProperty(name, out var value) ? value.GetString() : null;
}
