using System.Net;
using System.Text.RegularExpressions;

namespace Turtle.Testing.OperationsConsole;

/// <summary>
/// The operations console spoken to over plain HTTP, as a browser would: a cookie jar, redirects not followed, and
/// forms posted with the antiforgery token the page rendered (or deliberately without it).
/// </summary>
public sealed partial class ConsoleSession : IDisposable
{
    public const string CookieName = "turtle_console";

    private readonly HttpClient _http;

    public ConsoleSession(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri BaseAddress { get; }
    public CookieContainer Cookies { get; } = new();
    public bool SignedIn => Cookies.GetCookies(BaseAddress).Any(c => c.Name == CookieName);

    /// <summary>Posts the sign-in form with <paramref name="key"/> (signed in: a redirect and the console cookie).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string key, string path = "/login")
    {
        var token = await TokenAsync(path);
        return await PostFormAsync(path, "login", token, ("Form.Key", key));
    }

    /// <summary>
    /// Signs in at the firm's provider as a browser does: <c>/login/provider</c>, the provider's sign-in page (the
    /// person's e-mail typed in), then every redirect back to the console. The last answer, with the address it came from.
    /// </summary>
    public async Task<(HttpResponseMessage Response, Uri At)> SignInAtProviderAsync(string email, string returnUrl = "/")
    {
        var (page, at) = await FollowAsync(new Uri(BaseAddress, "/login/provider?returnUrl=" + Uri.EscapeDataString(returnUrl)));
        if (at.AbsolutePath != "/account/login")
        {
            return (page, at);
        }
        var html = await page.Content.ReadAsStringAsync();
        page.Dispose();
        var back = WebUtility.HtmlDecode(ReturnUrlField().Match(html).Groups[1].Value);
        using var form = new FormUrlEncodedContent([new("returnUrl", back), new("email", email)]);
        var posted = await _http.PostAsync(new Uri(at, "/account/login"), form);
        return posted.Headers.Location is { } next ? await FollowAsync(new Uri(at, next), posted) : (posted, at);
    }

    /// <summary>GETs <paramref name="url"/> and every redirect after it, across hosts, keeping each one's cookies.</summary>
    private async Task<(HttpResponseMessage Response, Uri At)> FollowAsync(Uri url, HttpResponseMessage? previous = null)
    {
        previous?.Dispose();
        for (var hops = 0; hops < 20; hops++)
        {
            var response = await _http.GetAsync(url);
            if (response.Headers.Location is not { } location)
            {
                return (response, url);
            }
            response.Dispose();
            url = new Uri(url, location);
        }
        throw new InvalidOperationException($"more than 20 redirects, the last to {url}");
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>The antiforgery token in the first form of the page at <paramref name="path"/>.</summary>
    public async Task<string> TokenAsync(string path)
    {
        using var page = await GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        var match = TokenField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"GET {path} answered {(int)page.StatusCode} without an antiforgery token");
    }

    /// <summary>Posts the form named <paramref name="handler"/>; without <paramref name="token"/> the post carries none.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string path, string handler, string? token, params (string Name, string Value)[] fields)
    {
        var values = new List<KeyValuePair<string, string>> { new("_handler", handler) };
        if (token is not null)
        {
            values.Add(new("__RequestVerificationToken", token));
        }
        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return _http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
