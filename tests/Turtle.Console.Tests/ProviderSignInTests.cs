using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing.Identity;
using Turtle.Testing.OperationsConsole;

namespace Turtle.OperationsConsole.Tests;

/// <summary>
/// SPEC §14's sign-in at the firm's provider, spoken over HTTP as a browser would (cookies, every redirect): who gets in,
/// with which role, and what each role's pages offer and allow.
/// </summary>
[Collection(ProviderDeploymentGroup.Name)]
public sealed class ProviderSignInTests(ProviderDeployment turtle)
{
    [Fact]
    public async Task AnOperatorSignsInAtTheProviderAndIsOfferedTheRetry()
    {
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);

        var (landing, at) = await session.SignInAtProviderAsync(FirmIdentityProvider.Operator.Email, "/attention");
        using (landing)
        {
            Assert.Equal("/login/complete", at.AbsolutePath);
            Assert.Contains("url=/attention", await landing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.True(session.SignedIn);

        using var page = await session.GetAsync($"/appointments/{turtle.FailedForHttp.Id}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Otto Operator &lt;otto@firm.test&gt; <span class=\"role\">(operator)</span>", html, StringComparison.Ordinal);
        Assert.Contains("Send again", html, StringComparison.Ordinal);
        Assert.Contains("id=\"reveal-phone\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AViewerSeesNoActionsAndIsRefusedThemWith403()
    {
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);
        await SignInAsync(session, FirmIdentityProvider.Viewer);
        var path = $"/appointments/{turtle.FailedForHttp.Id}";

        using var page = await session.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Viola Viewer &lt;viola@firm.test&gt; <span class=\"role\">(viewer)</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Send again", html, StringComparison.Ordinal);
        Assert.DoesNotContain("reveal-phone", html, StringComparison.Ordinal);
        Assert.DoesNotContain(turtle.FailedForHttp.NationalDigits!, html, StringComparison.Ordinal);

        var token = await session.TokenAsync(path);
        using var retry = await session.PostFormAsync(path, "retry", token, ("Kind", "Confirmation"));
        using var reveal = await session.PostFormAsync(path, "reveal", token);
        var revealed = await reveal.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode);
        Assert.Contains("This needs the operator role; yours is viewer.", await retry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, reveal.StatusCode);
        Assert.DoesNotContain(turtle.FailedForHttp.NationalDigits!, revealed, StringComparison.Ordinal);
        using var api = turtle.Turtle.CreateClient();
        Assert.Equal("failed", await ProviderDeployment.ConfirmationStateAsync(api, turtle.FailedForHttp.Id));
    }

    [Theory]
    [InlineData("viola@firm.test", false)]
    [InlineData("otto@firm.test", true)]
    public async Task TheAttentionListAndTheAdvisorsOfferTheirButtonsToOperatorsOnly(string email, bool offered)
    {
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);
        await SignInAsync(session, FirmIdentityProvider.People.Single(p => p.Email == email));

        using var attention = await session.GetAsync("/attention");
        var attentionHtml = await attention.Content.ReadAsStringAsync();
        using var advisors = await session.GetAsync("/advisors");
        var advisorsHtml = await advisors.Content.ReadAsStringAsync();

        Assert.Contains(turtle.FailedForHttp.Name, attentionHtml, StringComparison.Ordinal);
        Assert.Equal(offered, attentionHtml.Contains(">Send again<", StringComparison.Ordinal));
        Assert.Equal(offered, attentionHtml.Contains(">Mark handled<", StringComparison.Ordinal));
        Assert.Equal(offered, advisorsHtml.Contains("Refresh from the sheet", StringComparison.Ordinal));
        if (!offered)
        {
            using var refresh = await session.PostFormAsync("/advisors", "refresh", await session.TokenAsync("/advisors"));
            Assert.Equal(HttpStatusCode.Forbidden, refresh.StatusCode);
        }
    }

    [Fact]
    public async Task AnOperatorRevealsOneClientsFullNumber()
    {
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);
        await SignInAsync(session, FirmIdentityProvider.Operator);
        var path = $"/appointments/{turtle.FailedForHttp.Id}";

        using var reveal = await session.PostFormAsync(path, "reveal", await session.TokenAsync(path));
        var html = await reveal.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
        Assert.Contains("<span class=\"phone\" id=\"full-phone\">&#x2B;919830020001</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAuditShowsWhoSignedInAndWhoSawWhichClientsNumberToAnAdminOnly()
    {
        using var operatorSession = new ConsoleSession(turtle.Turtle.ApiBase);
        await SignInAsync(operatorSession, FirmIdentityProvider.Operator);
        var path = $"/appointments/{turtle.FailedForHttp.Id}";
        using (var reveal = await operatorSession.PostFormAsync(path, "reveal", await operatorSession.TokenAsync(path)))
        {
            Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
        }
        using var adminSession = new ConsoleSession(turtle.Turtle.ApiBase);
        await SignInAsync(adminSession, FirmIdentityProvider.Admin);

        using var refused = await operatorSession.GetAsync("/audit");
        using var page = await adminSession.GetAsync("/audit");
        var html = await page.Content.ReadAsStringAsync();
        using var api = turtle.Turtle.CreateClient();
        var entries = (await api.GetFromJsonAsync<JsonElement>(new Uri("/api/audit", UriKind.Relative))).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Otto Operator &lt;otto@firm.test&gt;", html, StringComparison.Ordinal);
        Assert.Contains("reveal-phone", html, StringComparison.Ordinal);
        Assert.DoesNotContain(turtle.FailedForHttp.NationalDigits!, html, StringComparison.Ordinal);
        Assert.Contains(entries, e => e.GetProperty("actor").GetString() == "Otto Operator <otto@firm.test>" && e.GetProperty("action").GetString() == "reveal-phone"
            && e.GetProperty("appointmentId").GetString() == turtle.FailedForHttp.Id && e.GetProperty("client").GetString() == "+91******0001");
        Assert.Contains(entries, e => e.GetProperty("actor").GetString() == "Ada Admin <ada@firm.test>" && e.GetProperty("action").GetString() == "sign-in");
    }

    [Fact]
    public async Task SomeoneTheProviderKnowsButWhoHoldsNoRoleIsNotLetIn()
    {
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);

        var (page, at) = await session.SignInAtProviderAsync(FirmIdentityProvider.Stranger.Email);
        using (page)
        {
            Assert.Equal("/login", at.AbsolutePath);
            Assert.Equal("?failed=no-role", at.Query);
            Assert.Contains("Your account holds no role in Turtle.", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.False(session.SignedIn);
    }

    [Fact]
    public async Task WithAProviderTheAdminKeyNoLongerOpensTheConsole()
    {
        using var session = new ConsoleSession(turtle.Turtle.ApiBase);

        using var page = await session.GetAsync("/login");
        var html = await page.Content.ReadAsStringAsync();
        using var post = await session.PostFormAsync("/login", "login", null, ("Form.Key", Turtle.Testing.Processes.TurtleDeployment.AdminKey));

        Assert.Contains("id=\"signin-provider\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Form.Key\"", html, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.Redirect, post.StatusCode);
        Assert.False(session.SignedIn);
    }

    private static async Task SignInAsync(ConsoleSession session, FirmPerson person)
    {
        var (page, at) = await session.SignInAtProviderAsync(person.Email);
        page.Dispose();
        Assert.True(session.SignedIn, $"{person.Email} was not signed in; the sign-in ended at {at}");
    }
}
