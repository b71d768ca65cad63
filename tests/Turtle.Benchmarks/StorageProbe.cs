using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Turtle.Testing;

namespace Turtle.Benchmarks;

/// <summary>
/// A counting pass-through in front of Azurite's table endpoint: every request is forwarded unchanged
/// (SharedKey signatures do not cover the host) and counted by table and verb, to measure writes per booking.
/// </summary>
public sealed partial class CountingTableProxy : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly HttpClient _forward = new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Uri _target;
    private WebApplication? _app;

    public CountingTableProxy(string connectionString)
    {
        ConnectionString = connectionString;
        _target = new Uri(TableEndpoint().Match(connectionString).Groups[1].Value.TrimEnd('/'));
    }

    public string ConnectionString { get; private set; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(ForwardAsync);
        await _app.StartAsync();
        var proxy = new Uri(_app.Urls.First());
        // Path-style endpoint, as Azurite's: http://127.0.0.1:port/devstoreaccount1
        ConnectionString = TableEndpoint().Replace(ConnectionString, $"TableEndpoint=http://127.0.0.1:{proxy.Port}{_target.AbsolutePath};");
    }

    /// <summary>A copy of the counts so far, keyed "VERB Table".</summary>
    public Dictionary<string, int> Snapshot() => new(_counts);

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
        _counts.AddOrUpdate($"{verb} {table}", 1, (_, n) => n + 1);

        // The raw target, not the decoded path: row keys hold characters such as '+' that must stay escaped.
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri($"{_target.Scheme}://{_target.Authority}{raw}"));
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        body.Position = 0;
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
}

public static class SiloMetrics
{
    /// <summary>Resident set size of a process, from /proc (Linux), in MiB.</summary>
    public static double RssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }
        return double.NaN;
    }

    /// <summary>Rows of the Orleans reminder table belonging to one service (partition keys start with "{serviceId}_").</summary>
    public static async Task<int> ReminderRowsAsync(string serviceId)
    {
        var table = TestStorage.CreateTableClient().GetTableClient("OrleansReminders");
        var count = 0;
        // '`' follows '_' in ordinal order: the range holds exactly the "{serviceId}_" prefix.
        var filter = $"PartitionKey ge '{serviceId}_' and PartitionKey lt '{serviceId}`'";
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"]))
        {
            count++;
        }
        return count;
    }

    /// <summary>
    /// Deletes a service's appointment rows: Azurite's CPU per request grows with the rows it holds, so without
    /// this every repetition would be slower than the last.
    /// </summary>
    public static async Task<int> DeleteAppointmentRowsAsync(string serviceId)
    {
        var table = TestStorage.CreateTableClient().GetTableClient("TurtleAppointments");
        var filter = $"PartitionKey ge '{serviceId}' and PartitionKey lt '{serviceId}~'";
        var keys = new List<(string, string)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"]))
        {
            keys.Add((entity.PartitionKey, entity.RowKey));
        }
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (key, ct) => await table.DeleteEntityAsync(key.Item1, key.Item2, cancellationToken: ct));
        return keys.Count;
    }

    /// <summary>Bytes of one stored appointment row (its properties' sizes), to size the storage-limit entity.</summary>
    public static async Task<int?> AppointmentEntityBytesAsync(string serviceId)
    {
        var table = TestStorage.CreateTableClient().GetTableClient("TurtleAppointments");
        var filter = $"PartitionKey ge '{serviceId}' and PartitionKey lt '{serviceId}~'";
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1))
        {
            return entity.Sum(p => p.Key.Length + p.Value switch
            {
                byte[] bytes => bytes.Length,
                string text => text.Length,
                _ => 8,
            });
        }
        return null;
    }
}
