using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;

namespace Turtle.Testing;

/// <summary>
/// A pass-through in front of Azurite's table endpoint: every request is forwarded unchanged (SharedKey
/// signatures do not cover the host) and counted by table and verb (a batch as <c>$batch(Table)</c>), to measure
/// writes per booking; requests matching <see cref="Refuse"/> are answered 503 instead, to play a storage outage.
/// </summary>
public sealed partial class TableProxy : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, int> _labelled = new();
    private readonly HttpClient _forward = new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Uri _target;
    private WebApplication? _app;

    public TableProxy(string connectionString)
    {
        ConnectionString = connectionString;
        _target = new Uri(TableEndpoint().Match(connectionString).Groups[1].Value.TrimEnd('/'));
    }

    public string ConnectionString { get; private set; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, Connections.Watch));
        _app = builder.Build();
        _app.Run(ForwardAsync);
        await _app.StartAsync();
        var proxy = new Uri(_app.Urls.First());
        // Path-style endpoint, as Azurite's: http://127.0.0.1:port/devstoreaccount1
        ConnectionString = TableEndpoint().Replace(ConnectionString, $"TableEndpoint=http://127.0.0.1:{proxy.Port}{_target.AbsolutePath};");
    }

    /// <summary>Requests ("VERB", table) for which storage is down: answered 503 Server Busy without reaching Azurite.</summary>
    public Func<string, string, bool>? Refuse { get; set; }

    /// <summary>Like <see cref="Refuse"/>, by verb and the request's raw target and body, which hold a row's keys (one grain's state).</summary>
    public Func<string, string, bool>? RefuseRequest { get; set; }

    /// <summary>
    /// Names what a request is about from its table and its raw target and body (which hold a row's keys), e.g. the kind
    /// of grain whose state or reminder row it reads or writes; null leaves it out of <see cref="LabelledSnapshot"/>.
    /// </summary>
    public Func<string, string, string?>? Label { get; set; }

    /// <summary>
    /// Added to a forwarded request's time, by its table (as counted: <c>$batch(Table)</c> for a batch) and its raw target
    /// and body, to play a slow storage account.
    /// </summary>
    public Func<string, string, TimeSpan>? Delay { get; set; }

    /// <summary>The connections clients have open to the proxy.</summary>
    public ConnectionGauge Connections { get; } = new();

    /// <summary>A copy of the counts so far, keyed "VERB Table" (refused ones: "VERB Table (refused)").</summary>
    public Dictionary<string, int> Snapshot() => new(_counts);

    /// <summary>A copy of the counts of forwarded requests <see cref="Label"/> named, keyed "VERB Table label".</summary>
    public Dictionary<string, int> LabelledSnapshot() => new(_labelled);

    public async ValueTask DisposeAsync()
    {
        _forward.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var table = TableName().Match(path) is { Success: true } m ? m.Groups[1].Value : path;
        // A GET is either a point read (keys in the path) or a $filter query, which Azurite answers with a table scan.
        var verb = context.Request.Method == "GET" && context.Request.QueryString.Value?.Contains("filter", StringComparison.Ordinal) == true ? "GET $filter" : context.Request.Method;
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        body.Position = 0;
        string? text = null;
        // The raw target and the body as text, built once and only when something reads it.
        string Request() => text ??= raw + "\n" + System.Text.Encoding.UTF8.GetString(body.ToArray());
        if (table == "$batch" && BatchTable().Match(Request()) is { Success: true } inner)
        {
            // An entity group transaction is one table's: counted under it, so the membership table's batches can be told apart.
            table = $"$batch({inner.Groups[1].Value})";
        }
        if (Refuse?.Invoke(context.Request.Method, table) == true
            || (RefuseRequest is { } refuse && refuse(context.Request.Method, Request())))
        {
            _counts.AddOrUpdate($"{verb} {table} (refused)", 1, (_, n) => n + 1);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        _counts.AddOrUpdate($"{verb} {table}", 1, (_, n) => n + 1);
        if (Label?.Invoke(table, Request()) is { } label)
        {
            _labelled.AddOrUpdate($"{verb} {table} {label}", 1, (_, n) => n + 1);
        }

        if (Delay?.Invoke(table, Request()) is { } delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }

        // The raw target, not the decoded path: row keys hold characters such as '+' that must stay escaped.
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri($"{_target.Scheme}://{_target.Authority}{raw}"));
        request.Content = new StreamContent(body);
        foreach (var (key, value) in context.Request.Headers)
        {
            if (key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(key, (IEnumerable<string>)value))
            {
                request.Content.Headers.TryAddWithoutValidation(key, (IEnumerable<string>)value);
            }
        }
        using var response = await _forward.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (key, value) in response.Headers.Concat(response.Content.Headers))
        {
            if (!key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[key] = value.ToArray();
            }
        }
        await response.Content.CopyToAsync(context.Response.Body);
    }

    [GeneratedRegex("TableEndpoint=([^;]+);?")]
    private static partial Regex TableEndpoint();

    /// <summary>/devstoreaccount1/TurtleAppointments(PartitionKey='..',RowKey='..') → TurtleAppointments; /$batch and /Tables kept.</summary>
    [GeneratedRegex("^/[^/]+/([^/(?]+)")]
    private static partial Regex TableName();

    /// <summary>The table of a $batch body's first operation: <c>PUT http://host/devstoreaccount1/OrleansSiloInstances(…)</c>.</summary>
    [GeneratedRegex(@"(?:POST|PUT|MERGE|PATCH|DELETE|GET) https?://[^/\s]+/[^/\s]+/([A-Za-z][A-Za-z0-9]*)")]
    private static partial Regex BatchTable();
}
