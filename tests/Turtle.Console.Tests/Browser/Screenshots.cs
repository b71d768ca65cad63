using Microsoft.Playwright;
using Turtle.Testing;
using Xunit.Abstractions;

namespace Turtle.OperationsConsole.Tests.Browser;

/// <summary>Full-page screenshots at a desktop and a phone width, in the test output's <c>screenshots</c> folder.</summary>
public static class Screenshots
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
    private static int _recorded;

    public static async Task TakeAsync(IPage page, string name, ITestOutputHelper output)
    {
        Directory.CreateDirectory(Folder);
        if (Interlocked.Exchange(ref _recorded, 1) == 0)
        {
            // Once per run, with the figures test.sh prints: where to find the pictures after it.
            Figures.Record($"console screenshots (1280 px and 390 px wide): {Folder}");
        }
        output.WriteLine($"screenshots folder: {Folder}");
        var viewport = page.ViewportSize;
        foreach (var (width, height) in new[] { (1280, 900), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            var path = Path.Combine(Folder, $"{name}-{width}.png");
            await page.ScreenshotAsync(new() { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
        }
        if (viewport is not null)
        {
            await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        }
    }
}
