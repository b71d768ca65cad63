using System.Buffers.Text;
using System.Text.Json;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// <c>./turtle calendly subscribe | status | unsubscribe</c>: the built Turtle.Api binary in command mode against the
/// fake Calendly API, configured by environment variables as an operator would. No storage, no silo.
/// </summary>
public sealed class CalendlyCommandTests : IAsyncLifetime
{
    private const string PublicBase = "https://turtle.example.com";
    private const string TurtleWebhook = PublicBase + "/webhooks/calendly";

    private static readonly string[] TurtleEvents = ["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"];

    private readonly FakeCalendlyApi _calendly = new();

    public Task InitializeAsync() => _calendly.StartAsync();

    public Task DisposeAsync() => _calendly.DisposeAsync().AsTask();

    [Fact]
    public async Task SubscribePostsTurtlesWebhookAndPrintsTheSigningKeyItSent()
    {
        var result = await Turtle("calendly", "subscribe", "--url", PublicBase + "/");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var body = JsonDocument.Parse(Assert.Single(_calendly.PostedSubscriptions));
        var posted = body.RootElement;
        Assert.Equal(TurtleWebhook, posted.GetProperty("url").GetString());
        Assert.Equal(TurtleEvents, posted.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(_calendly.OrganizationUri.ToString(), posted.GetProperty("organization").GetString());
        Assert.Equal("organization", posted.GetProperty("scope").GetString());
        var key = posted.GetProperty("signing_key").GetString()!;
        Assert.True(Base64Url.DecodeFromChars(key).Length >= 32, $"signing key '{key}' holds fewer than 32 random bytes");
        Assert.Contains($"{Environment.NewLine}Calendly:SigningKey={key}{Environment.NewLine}", Environment.NewLine + result.Output, StringComparison.Ordinal);
        Assert.Equal(key, Assert.Single(_calendly.Subscriptions).SigningKey);
        Assert.Equal("/users/me", _calendly.Requests[0].Path);
    }

    [Fact]
    public async Task EachSubscribeOnAnEmptyOrganizationMakesAFreshKey()
    {
        await Turtle("calendly", "subscribe", "--url", PublicBase);
        await Turtle("calendly", "unsubscribe", "--url", PublicBase);
        await Turtle("calendly", "subscribe", "--url", PublicBase);

        var keys = _calendly.PostedSubscriptions.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("signing_key").GetString()).ToList();
        Assert.Equal(2, keys.Count);
        Assert.NotEqual(keys[0], keys[1]);
    }

    [Fact]
    public async Task SecondSubscribeSaysItExistsAndCreatesNothing()
    {
        await Turtle("calendly", "subscribe", "--url", PublicBase);

        var again = await Turtle("calendly", "subscribe", "--url", PublicBase);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Single(_calendly.PostedSubscriptions);
        Assert.Contains("exists already", again.Output, StringComparison.Ordinal);
        Assert.Contains("state active", again.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Calendly:SigningKey=", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeToADisabledSubscriptionSaysSoAndCreatesNothing()
    {
        _calendly.SeedSubscription(TurtleWebhook, TurtleEvents, state: "disabled");

        var result = await Turtle("calendly", "subscribe", "--url", PublicBase);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("state disabled", result.Output, StringComparison.Ordinal);
        Assert.Contains("unsubscribe", result.Output, StringComparison.Ordinal);
        Assert.Empty(_calendly.PostedSubscriptions);
    }

    [Fact]
    public async Task ConflictFromCalendlyIsTakenAsExisting()
    {
        // A user-scope subscription to the same URL: not in the organization list, but Calendly refuses the URL (409).
        _calendly.SeedSubscription(TurtleWebhook, scope: "user");

        var result = await Turtle("calendly", "subscribe", "--url", PublicBase);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(_calendly.PostedSubscriptions);
        Assert.Contains(_calendly.Requests, r => r.Method == "POST" && r.StatusCode == 409);
        Assert.Contains("already has a subscription", result.Output, StringComparison.Ordinal);
        Assert.Contains("Hook with this url already exists", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Calendly:SigningKey=", result.Output, StringComparison.Ordinal);
        Assert.Single(_calendly.Subscriptions);
    }

    [Fact]
    public async Task StatusIsInOrderWhileActiveAndNotOnceCalendlyDisablesIt()
    {
        _calendly.SeedSubscription("https://crm.example.com/hooks/calendly");
        await Turtle("calendly", "subscribe", "--url", PublicBase);

        var active = await Turtle("calendly", "status");

        Assert.True(active.ExitCode == 0, active.ToString());
        Assert.Contains(TurtleWebhook + "  (Turtle)", active.Output, StringComparison.Ordinal);
        Assert.Contains("https://crm.example.com/hooks/calendly", active.Output, StringComparison.Ordinal);
        Assert.Contains(string.Join(", ", TurtleEvents), active.Output, StringComparison.Ordinal);
        Assert.Contains("retry_started_at  -", active.Output, StringComparison.Ordinal);

        _calendly.DisableSubscription(TurtleWebhook);
        var disabled = await Turtle("calendly", "status");

        Assert.True(disabled.ExitCode == 1, disabled.ToString());
        Assert.Contains("state             disabled", disabled.Output, StringComparison.Ordinal);
        Assert.Matches(@"retry_started_at  \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", disabled.Output);
        Assert.Contains("Not in order", disabled.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusWithoutATurtleSubscriptionIsNotInOrder()
    {
        _calendly.SeedSubscription("https://crm.example.com/hooks/calendly");

        var result = await Turtle("calendly", "status");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("https://crm.example.com/hooks/calendly", result.Output, StringComparison.Ordinal);
        Assert.Contains("./turtle calendly subscribe", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusRidesOutARateLimit()
    {
        await Turtle("calendly", "subscribe", "--url", PublicBase);
        _calendly.FailNext(1, 429, TimeSpan.FromSeconds(1));

        var result = await Turtle("calendly", "status");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(_calendly.Requests, r => r.StatusCode == 429);
    }

    [Fact]
    public async Task UnsubscribeDeletesTheSubscriptionAndASecondFindsNone()
    {
        await Turtle("calendly", "subscribe", "--url", PublicBase);

        var deleted = await Turtle("calendly", "unsubscribe", "--url", PublicBase);
        var again = await Turtle("calendly", "unsubscribe", "--url", PublicBase);

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains(_calendly.Requests, r => r.Method == "DELETE" && r.StatusCode == 204);
        Assert.Empty(_calendly.Subscriptions);
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("No subscription", again.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("subscribe", "--url", PublicBase)]
    [InlineData("status")]
    [InlineData("unsubscribe", "--url", PublicBase)]
    public async Task WithoutATokenEveryVerbExitsTwoNamingTheKey(params string[] verb)
    {
        var result = await Turtle(token: "", ["calendly", .. verb]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Calendly:ApiToken is required for this command", result.Error, StringComparison.Ordinal);
        Assert.Empty(_calendly.Requests);
    }

    [Fact]
    public async Task RefusedTokenExitsTwoNamingTheKeyAndNeverPrintsIt()
    {
        var result = await Turtle(token: "revoked-token-12345", ["calendly", "status"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Calendly:ApiToken", result.Error, StringComparison.Ordinal);
        Assert.Contains("The access token is invalid", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("revoked-token-12345", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadBaseUrlInConfigurationExitsTwoNamingTheKey()
    {
        var result = await TurtleCommand.RunAsync(new Dictionary<string, string?>
        {
            ["Calendly__ApiToken"] = _calendly.ApiToken,
            ["Calendly__ApiBaseUrl"] = "api.calendly.com",
        }, "calendly", "status");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Calendly:ApiBaseUrl", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("calendly", "subscribe")]
    [InlineData("calendly", "subscribe", "--url", "turtle.example.com")]
    [InlineData("calendly")]
    [InlineData("calendly", "resubscribe")]
    [InlineData("whatever")]
    public async Task BadUsageExitsTwo(params string[] arguments)
    {
        var result = await Turtle(arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.NotEmpty(result.Error);
        Assert.Empty(_calendly.Requests);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("calendly", "--help")]
    [InlineData("calendly", "subscribe", "--help")]
    [InlineData("calendly", "status", "--help")]
    [InlineData("calendly", "unsubscribe", "-h")]
    public async Task HelpOnEveryLevelExitsZero(params string[] arguments)
    {
        var result = await Turtle(arguments);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Empty(_calendly.Requests);
    }

    [Fact]
    public async Task TurtleScriptHelpListsEveryVerb()
    {
        var result = await TurtleCommand.RunAsync("bash", [Path.Combine(TurtleProcess.RepositoryRoot, "turtle"), "--help"], new Dictionary<string, string?>(), TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("turtle calendly subscribe --url <public base url>", result.Output, StringComparison.Ordinal);
        Assert.Contains("turtle calendly status", result.Output, StringComparison.Ordinal);
        Assert.Contains("turtle calendly unsubscribe --url <public base url>", result.Output, StringComparison.Ordinal);
    }

    private Task<CommandResult> Turtle(params string[] arguments) => Turtle(_calendly.ApiToken, arguments);

    private Task<CommandResult> Turtle(string token, string[] arguments) =>
        TurtleCommand.RunAsync(new Dictionary<string, string?>
        {
            ["Calendly__ApiToken"] = token,
            ["Calendly__ApiBaseUrl"] = _calendly.BaseUrl.ToString(),
            ["Calendly__RetryBaseDelay"] = "00:00:00.100",
        }, arguments);
}
