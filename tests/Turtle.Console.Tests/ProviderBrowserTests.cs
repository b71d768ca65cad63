using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Turtle.OperationsConsole.Tests.Browser;
using Turtle.Testing.Identity;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Turtle.OperationsConsole.Tests;

/// <summary>
/// People signing in for real (SPEC §14): Debian's chromium goes from the console to the firm's provider (OpenIddict's
/// server in this process), types an e-mail there and comes back. A viewer is offered no retry and is refused one with
/// 403; an operator sends the message again; the admin's audit names both. Each role's page is kept as a screenshot.
/// </summary>
[Collection(ProviderDeploymentGroup.Name)]
public sealed class ProviderBrowserTests(ProviderDeployment turtle, ITestOutputHelper output) : IAsyncLifetime
{
    private ChromiumBrowser _viewer = null!;
    private ChromiumBrowser _operator = null!;
    private ChromiumBrowser _admin = null!;

    // One browser (one cookie jar) per person, as three people at three desks.
    public async Task InitializeAsync()
    {
        _viewer = await ChromiumBrowser.LaunchAsync();
        _operator = await ChromiumBrowser.LaunchAsync();
        _admin = await ChromiumBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _viewer.DisposeAsync();
        await _operator.DisposeAsync();
        await _admin.DisposeAsync();
    }

    [Fact]
    public async Task AViewerCannotRetryAnOperatorCanAndTheAuditNamesBoth()
    {
        var booking = turtle.Url($"/appointments/{turtle.FailedForBrowser.Id}").ToString();

        // The viewer: no button, and the form posted anyway is refused.
        var viewer = await SignInAsync(_viewer, FirmIdentityProvider.Viewer, booking);
        var confirmation = Confirmation(viewer);
        await Expect(confirmation.Locator(".stage")).ToHaveTextAsync("failed");
        await Expect(viewer.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send again") })).ToHaveCountAsync(0);
        await Expect(viewer.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Show the full number") })).ToHaveCountAsync(0);
        await Expect(viewer.Locator("#signed-in-as")).ToHaveTextAsync("Viola Viewer <viola@firm.test> (viewer)");
        await Screenshots.TakeAsync(viewer, "role-viewer", output);
        var token = await viewer.Locator("#retry input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var refused = await _viewer.Context.APIRequest.PostAsync(booking, new()
        {
            Form = _viewer.Context.APIRequest.CreateFormData()
                .Set("_handler", "retry").Set("__RequestVerificationToken", token!).Set("Kind", "Confirmation"),
        });
        Assert.Equal(403, refused.Status);

        // The client's page: the viewer reads it, number masked, and is offered no erasure; the admin is.
        var clientPage = turtle.Url($"/clients/b.{turtle.FailedForBrowser.Id}").ToString();
        await viewer.GotoAsync(clientPage);
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Client Yash Bhat");
        await Expect(viewer.Locator("#client-phone")).ToHaveTextAsync("+91******0002");
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Erase client" })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(viewer, "role-viewer-client", output);
        await viewer.GotoAsync(booking);

        // The operator: the button is there and sends the message again.
        var operatorPage = await SignInAsync(_operator, FirmIdentityProvider.Operator, booking);
        await Expect(operatorPage.Locator("#signed-in-as")).ToHaveTextAsync("Otto Operator <otto@firm.test> (operator)");
        await Confirmation(operatorPage).GetByRole(AriaRole.Button, new() { Name = "Send again the confirmation" }).ClickAsync();
        await Expect(operatorPage.Locator("#action-result")).ToContainTextAsync("The confirmation was sent again");
        await Expect(Confirmation(operatorPage)).ToContainTextAsync("sent again by console");
        await Screenshots.TakeAsync(operatorPage, "role-operator", output);

        // The admin: the audit names both, and what each did.
        var admin = await SignInAsync(_admin, FirmIdentityProvider.Admin, turtle.Url("/audit").ToString());
        var audit = admin.GetByRole(AriaRole.Table);
        var shortId = turtle.FailedForBrowser.Id[..8];
        await Expect(audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "Otto Operator <otto@firm.test>" }).Filter(new() { HasText = "retry" }).Filter(new() { HasText = shortId }))
            .ToHaveCountAsync(1);
        await Expect(audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "Viola Viewer <viola@firm.test>" }).Filter(new() { HasText = "refused" }).Filter(new() { HasText = shortId }))
            .ToHaveCountAsync(1);
        await Expect(audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "Viola Viewer <viola@firm.test>" }).Filter(new() { HasText = "sign-in" }).First).ToBeVisibleAsync();
        await Screenshots.TakeAsync(admin, "role-admin-audit", output);
        var adminClient = await admin.Context.NewPageAsync();
        await adminClient.GotoAsync(clientPage);
        await Expect(adminClient.GetByRole(AriaRole.Button, new() { Name = "Erase client" })).ToBeVisibleAsync();
        await Screenshots.TakeAsync(adminClient, "role-admin-client", output);
        foreach (var page in new[] { viewer, operatorPage, admin })
        {
            var violations = (await page.RunAxe()).Violations.Select(v => $"{page.Url}: {v.Id} ({v.Impact}): {v.Help}").ToList();
            Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        }
    }

    /// <summary>
    /// Opens <paramref name="url"/> signed out, goes through the console's sign-in page to the provider's, types the
    /// person's e-mail and waits to be back at <paramref name="url"/>, signed in.
    /// </summary>
    private async Task<IPage> SignInAsync(ChromiumBrowser browser, FirmPerson person, string url)
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(url);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with the firm's account" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(turtle.Provider.Authority.ToString())}account/login"));
        await page.GetByLabel("E-mail").FillAsync(person.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(url);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return page;
    }

    private static ILocator Confirmation(IPage page) =>
        page.GetByRole(AriaRole.Table, new() { Name = "Every message of this booking, in due order" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "Confirmation" });
}
