using System.Net;
using Turtle.Testing.OperationsConsole;
using Turtle.Testing.Processes;

namespace Turtle.OperationsConsole.Tests;

/// <summary>The console's guard rails as plain HTTP sees them: redirects to sign-in, antiforgery, and /api/* left as it was.</summary>
[Collection(ConsoleDeploymentGroup.Name)]
public sealed class ConsoleHttpTests(ConsoleDeployment turtle)
{
    [Fact]
    public async Task EveryPageButLoginRedirectsToLoginWithoutTheCookie()
    {
        using var anonymous = new ConsoleSession(turtle.Turtle.ApiBase);
        foreach (var path in new[] { "/", "/?from=2026-01-01", "/attention", "/advisors", "/templates", $"/appointments/{turtle.Booked.Id}" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/login?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
        }

        using var login = await anonymous.GetAsync("/login");
        var html = await login.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("<label for=\"key\">Admin key</label>", html, StringComparison.Ordinal);

        // The stylesheet is served without the cookie, from the address the page links to.
        var href = System.Text.RegularExpressions.Regex.Match(html, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Groups[1].Value;
        using var css = await anonymous.GetAsync("/" + href);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ApiStillAnswers401WithoutTheKeyAndNeverRedirects()
    {
        using var anonymous = new ConsoleSession(turtle.Turtle.ApiBase);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(turtle.Turtle.ApiBase, $"/api/appointments/{turtle.Booked.Id}"));
        request.Headers.Accept.ParseAdd("text/html");
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var noKey = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Null(noKey.Headers.Location);
        Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);

        // A console cookie does not open /api/*: it still takes X-Api-Key only.
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);
        using var signedIn = await session.SignInAsync(TurtleDeployment.AdminKey);
        Assert.True(session.SignedIn);
        using var cookieOnly = await session.GetAsync($"/api/appointments/{turtle.Booked.Id}");
        Assert.Equal(HttpStatusCode.Unauthorized, cookieOnly.StatusCode);

        using var keyed = turtle.Turtle.CreateClient();
        using var withKey = await keyed.GetAsync(new Uri($"/api/appointments/{turtle.Booked.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task PostsWithoutTheAntiforgeryTokenAreRefused()
    {
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);
        using var login = await session.PostFormAsync("/login", "login", token: null, ("Form.Key", TurtleDeployment.AdminKey));
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.False(session.SignedIn);

        using var signedIn = await session.SignInAsync(TurtleDeployment.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(turtle.Url("/"), new Uri(turtle.Turtle.ApiBase, signedIn.Headers.Location!));
        Assert.True(session.SignedIn);

        using var refresh = await session.PostFormAsync("/advisors", "refresh", token: null);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        using var retry = await session.PostFormAsync($"/appointments/{turtle.Failed.Id}", "retry", token: null, ("Kind", "Confirmation"));
        Assert.Equal(HttpStatusCode.BadRequest, retry.StatusCode);
        using var logout = await session.PostFormAsync("/logout", "logout", token: null);
        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.True(session.SignedIn);

        var token = await session.TokenAsync("/advisors");
        using var refreshed = await session.PostFormAsync("/advisors", "refresh", token);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Contains("Reloaded: 3 advisors", await refreshed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInSendsOnlyToPagesOfThisSite()
    {
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);
        var token = await session.TokenAsync("/login");
        using var response = await session.PostFormAsync("/login?ReturnUrl=%2F%2Fevil.example%2F", "login", token, ("Form.Key", TurtleDeployment.AdminKey));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(turtle.Url("/"), new Uri(turtle.Turtle.ApiBase, response.Headers.Location!));
    }
}
