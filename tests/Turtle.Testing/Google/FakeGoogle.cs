using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Turtle.Testing.Google;

/// <summary>A Sheets API failure the fake answers with instead of the values.</summary>
public enum SheetsFault
{
    None,
    /// <summary>403 PERMISSION_DENIED: the sheet is not shared with the service account.</summary>
    PermissionDenied,
    /// <summary>404 NOT_FOUND.</summary>
    NotFound,
    /// <summary>400 INVALID_ARGUMENT: unable to parse range.</summary>
    InvalidRange,
    /// <summary>429 RESOURCE_EXHAUSTED.</summary>
    QuotaExceeded,
    /// <summary>500 INTERNAL.</summary>
    ServerError,
}

/// <summary>
/// Google's OAuth token endpoint and the Sheets API <c>spreadsheets.values.get</c>, as a real HTTP server on
/// 127.0.0.1. Tokens are issued only for JWT assertions signed by <see cref="ServiceAccount"/>; values are
/// served only with such a token. Faults are switchable, and <see cref="StopAsync"/> makes the port refuse connections.
/// </summary>
public sealed partial class FakeGoogle : IAsyncDisposable
{
    public const string SheetsReadonlyScope = "https://www.googleapis.com/auth/spreadsheets.readonly";

    private readonly ConcurrentDictionary<string, DateTimeOffset> issuedTokens = new();
    private readonly ConcurrentQueue<string> refusedAssertions = new();
    private WebApplication? app;
    private int port;
    private int tokenRequests;
    private int sheetsRequests;
    private volatile IReadOnlyList<IReadOnlyList<string>> rows = [];

    private FakeGoogle()
    {
    }

    /// <summary>The one service account whose key the fake trusts.</summary>
    public ServiceAccountKey ServiceAccount { get; } = ServiceAccountKey.Create();

    public string SpreadsheetId { get; } = "1TurtleFake" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Title of the sheet (tab) the values are on; a range naming another one is refused as Google does.</summary>
    public string SheetTitle { get; set; } = "Advisors";

    public SheetsFault Fault { get; set; }

    public Uri BaseUrl => new($"http://127.0.0.1:{port}/");
    public string TokenUri => $"http://127.0.0.1:{port}/token";

    public int TokenRequests => Volatile.Read(ref tokenRequests);
    public int SheetsRequests => Volatile.Read(ref sheetsRequests);

    /// <summary>Why token requests were refused, for assertions and for diagnosing a failing test.</summary>
    public IReadOnlyCollection<string> RefusedAssertions => refusedAssertions;

    public static async Task<FakeGoogle> StartAsync()
    {
        var fake = new FakeGoogle();
        await fake.ListenAsync(0);
        return fake;
    }

    /// <summary>The sheet's cells, header first, as the operations team typed them.</summary>
    public void SetRows(IEnumerable<IEnumerable<string>> values) => rows = [.. values.Select(r => (IReadOnlyList<string>)[.. r])];

    /// <summary>Writes a key file for <see cref="ServiceAccount"/> whose <c>token_uri</c> is this fake.</summary>
    public string WriteKeyFile(string path) => ServiceAccount.WriteKeyFile(path, TokenUri);

    /// <summary>Stops listening: connections to the port are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (app is { } running)
        {
            app = null;
            await running.StopAsync();
            await running.DisposeAsync();
        }
    }

    /// <summary>Listens again on the same port, with the same tokens and values.</summary>
    public Task RestartAsync() => app is null ? ListenAsync(port) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        ServiceAccount.Dispose();
    }

    private async Task ListenAsync(int listenPort)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, listenPort));
        var web = builder.Build();
        web.MapPost("/token", IssueTokenAsync);
        web.MapGet("/v4/spreadsheets/{spreadsheetId}/values/{range}", GetValues);
        await web.StartAsync();
        var address = web.Urls.First();
        port = new Uri(address).Port;
        app = web;
    }

    private async Task<IResult> IssueTokenAsync(HttpRequest request)
    {
        Interlocked.Increment(ref tokenRequests);
        var form = await request.ReadFormAsync();
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return TokenError("unsupported_grant_type", $"Invalid grant_type: {form["grant_type"]}");
        }
        var refused = JwtBearerAssertion.Verify(form["assertion"].ToString(), ServiceAccount, TokenUri, SheetsReadonlyScope, DateTimeOffset.UtcNow);
        if (refused is not null)
        {
            refusedAssertions.Enqueue(refused);
            return TokenError("invalid_grant", refused);
        }
        var token = "ya29.fake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        issuedTokens[token] = DateTimeOffset.UtcNow.AddHours(1);
        return Results.Json(new { access_token = token, expires_in = 3599, token_type = "Bearer" });
    }

    private IResult GetValues(string spreadsheetId, string range, HttpRequest request)
    {
        Interlocked.Increment(ref sheetsRequests);
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            || !issuedTokens.TryGetValue(authorization["Bearer ".Length..], out var expires) || expires < DateTimeOffset.UtcNow)
        {
            return GoogleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "UNAUTHENTICATED");
        }
        switch (Fault)
        {
            case SheetsFault.PermissionDenied:
                return GoogleError(403, "The caller does not have permission", "PERMISSION_DENIED");
            case SheetsFault.NotFound:
                return GoogleError(404, "Requested entity was not found.", "NOT_FOUND");
            case SheetsFault.InvalidRange:
                return GoogleError(400, $"Unable to parse range: {range}", "INVALID_ARGUMENT");
            case SheetsFault.QuotaExceeded:
                return GoogleError(429, "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com'.", "RESOURCE_EXHAUSTED");
            case SheetsFault.ServerError:
                return GoogleError(500, "Internal error encountered.", "INTERNAL");
        }
        if (spreadsheetId != SpreadsheetId)
        {
            return GoogleError(404, "Requested entity was not found.", "NOT_FOUND");
        }
        var match = A1Range().Match(range);
        var title = match.Groups["sheet"].Value.Trim('\'');
        if (!match.Success || title != SheetTitle)
        {
            return GoogleError(400, $"Unable to parse range: {range}", "INVALID_ARGUMENT");
        }
        var firstRow = match.Groups["row"].Success ? int.Parse(match.Groups["row"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : 1;
        var endColumn = match.Groups["end"].Success ? match.Groups["end"].Value : "Z";

        // Google leaves out trailing empty cells of a row and trailing empty rows of the range.
        var values = rows.Skip(firstRow - 1)
            .Select(r => r.Take(LastNonEmpty(r) + 1).ToArray())
            .ToList();
        while (values.Count > 0 && values[^1].Length == 0)
        {
            values.RemoveAt(values.Count - 1);
        }
        var answered = $"{SheetTitle}!A{firstRow}:{endColumn}{Math.Max(firstRow, firstRow + values.Count - 1)}";
        return values.Count == 0
            ? Results.Json(new { range = answered, majorDimension = "ROWS" })
            : Results.Json(new { range = answered, majorDimension = "ROWS", values });
    }

    private static int LastNonEmpty(IReadOnlyList<string> row)
    {
        for (var i = row.Count - 1; i >= 0; i--)
        {
            if (row[i].Length > 0)
            {
                return i;
            }
        }
        return -1;
    }

    private static IResult TokenError(string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: 400);

    private static IResult GoogleError(int code, string message, string status) =>
        Results.Json(new { error = new { code, message, status } }, statusCode: code);

    [GeneratedRegex(@"^(?<sheet>'[^']+'|[^!]+)!(?<start>[A-Z]+)(?<row>\d+)?(:(?<end>[A-Z]+)\d*)?$")]
    private static partial Regex A1Range();
}
