using Microsoft.Playwright;

namespace Turtle.OperationsConsole.Tests.Browser;

/// <summary>
/// Debian's chromium driven by Playwright (which cannot download a browser here): headless, no sandbox (CI runs as
/// root), nothing fetched in the background, and a fresh profile folder of its own, removed when it closes.
/// </summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private ChromiumBrowser(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>A desktop-sized window by default; pages can be resized with <c>SetViewportSizeAsync</c>.</summary>
    public static async Task<ChromiumBrowser> LaunchAsync(int width = 1280, int height = 900)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (./test.sh does: apt-get install -y chromium).");
        }
        var profile = Path.Combine(Path.GetTempPath(), "turtle-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                ViewportSize = new ViewportSize { Width = width, Height = height },
                Locale = "en-GB",
            });
            return new ChromiumBrowser(playwright, context, profile);
        }
        catch
        {
            playwright.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Waits for the key form's sign-in to land on the console's home page. The sign-in is entered in the firm's record
    /// before it answers, so under the whole suite's load it may take longer than Playwright's 30 s default; a sign-in
    /// that lands elsewhere (refused, limited) says where.
    /// </summary>
    public static async Task SignedInAsync(IPage page, Uri apiBase)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            await page.WaitForURLAsync(new Uri(apiBase, "/").ToString(), new() { Timeout = 120_000 });
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"signing in did not reach the home page in 120 s: the page is at {page.Url}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of a file; the folder is in the temp directory.
        }
    }
}
