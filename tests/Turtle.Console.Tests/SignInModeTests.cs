using System.Net;
using Turtle.Testing;
using Turtle.Testing.OperationsConsole;
using Turtle.Testing.Processes;

namespace Turtle.OperationsConsole.Tests;

/// <summary>
/// The console without <c>Admin:ApiKey</c>, on API processes of their own (no silo needed: sign-in never asks the
/// cluster). It follows <c>/api/*</c>: closed outside Development, open in Development, and it says which.
/// </summary>
public sealed class SignInModeTests
{
    [Fact]
    public async Task WithoutAKeyOutsideDevelopmentSignInIsRefusedWithAClearMessage()
    {
        var (api, baseAddress) = await StartApiAsync("Production");
        await using var running = api;
        using var session = new ConsoleSession(baseAddress);

        using var page = await session.GetAsync("/login");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Sign-in is disabled: <code>Admin:ApiKey</code> is not configured.", html, StringComparison.Ordinal);
        Assert.Contains("<fieldset disabled>", html, StringComparison.Ordinal);

        using var home = await session.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        var token = await session.TokenAsync("/login");
        using var post = await session.PostFormAsync("/login", "login", token, ("Form.Key", ""));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains("Sign-in is disabled until Admin:ApiKey is configured.", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(session.SignedIn);
    }

    [Fact]
    public async Task WithoutAKeyInDevelopmentTheLoginPageSaysSoAndLetsIn()
    {
        var (api, baseAddress) = await StartApiAsync("Development");
        await using var running = api;
        using var session = new ConsoleSession(baseAddress);

        using var page = await session.GetAsync("/login");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<code>Admin:ApiKey</code> is not set. In Development the console is open", html, StringComparison.Ordinal);

        using var signedIn = await session.SignInAsync("");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.True(session.SignedIn);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    public async Task AFirmTimeZoneThatIsNotIanaStopsStartNamingTheKey(string zone)
    {
        var port = TurtleProcess.FreePort();
        await using var api = TurtleProcess.Start("Turtle.Api", Environment(port, "Production", ("Notifications__FirmTimeZone", zone)));
        Assert.True(await api.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the API kept running with a bad Notifications:FirmTimeZone");
        Assert.Contains("Notifications:FirmTimeZone", api.Output, StringComparison.Ordinal);
    }

    private static async Task<(TurtleProcess Api, Uri BaseAddress)> StartApiAsync(string environment)
    {
        var port = TurtleProcess.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var api = TurtleProcess.Start("Turtle.Api", Environment(port, environment));
        await api.WaitUntilHealthyAsync(new Uri(baseAddress, "/health/live").ToString(), TimeSpan.FromSeconds(60));
        return (api, baseAddress);
    }

    private static Dictionary<string, string?> Environment(int port, string environment, params (string Key, string? Value)[] extra)
    {
        var cluster = TestStorage.UniqueId("console");
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__AzureStorage"] = TestStorage.ConnectionString,
            ["Orleans__ClusterId"] = cluster,
            ["Orleans__ServiceId"] = cluster,
            ["Admin__ApiKey"] = "",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }
}
