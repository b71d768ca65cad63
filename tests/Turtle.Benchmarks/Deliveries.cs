using Turtle.Testing.WhatsApp;

namespace Turtle.Benchmarks;

/// <summary>What the fake Graph API accepted, checked against what was expected: lateness, missing, duplicates.</summary>
public sealed class Deliveries
{
    private readonly Dictionary<string, List<FakeWhatsAppRequest>> _byCallback;

    public Deliveries(IEnumerable<FakeWhatsAppRequest> accepted)
    {
        _byCallback = accepted.Where(r => r.MessageId is not null && r.BizOpaqueCallbackData is not null)
            .GroupBy(r => r.BizOpaqueCallbackData!)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.ReceivedAt).ToList());
    }

    /// <summary>Callback data accepted more than once, counting each extra request.</summary>
    public int Duplicates => _byCallback.Values.Sum(l => l.Count - 1);

    /// <summary>When each request of a message accepted more than once arrived: a pair minutes apart is a send retried after its answer was lost.</summary>
    public Dictionary<string, DateTimeOffset[]> DuplicateTimes() =>
        _byCallback.Where(kv => kv.Value.Count > 1).ToDictionary(kv => kv.Key, kv => kv.Value.Select(r => r.ReceivedAt).ToArray());

    public int Missing(IEnumerable<string> expected) => expected.Count(e => !_byCallback.ContainsKey(e));

    public DateTimeOffset? FirstAt(string callbackData) => First(callbackData)?.ReceivedAt;

    /// <summary>The first accepted request with the callback data, null when none was.</summary>
    public FakeWhatsAppRequest? First(string callbackData) => _byCallback.TryGetValue(callbackData, out var list) ? list[0] : null;

    /// <summary>Seconds from due to the first accepted request, for those that arrived.</summary>
    public List<double> Lateness(IEnumerable<(string CallbackData, DateTimeOffset Due)> expected) =>
        [.. expected.Select(e => FirstAt(e.CallbackData) is { } at ? (at - e.Due).TotalSeconds : double.NaN).Where(x => !double.IsNaN(x))];

    /// <summary>Polls the fake until every expected callback has arrived or the deadline passes.</summary>
    public static async Task<Deliveries> WaitForAsync(FakeWhatsAppApi fake, IReadOnlyCollection<string> expected, DateTimeOffset deadline)
    {
        var wanted = expected.ToHashSet();
        while (true)
        {
            var seen = new HashSet<string>();
            foreach (var r in fake.Requests)
            {
                if (r.MessageId is not null && r.BizOpaqueCallbackData is { } data && wanted.Contains(data))
                {
                    seen.Add(data);
                }
            }
            if (seen.Count >= wanted.Count || DateTimeOffset.UtcNow >= deadline)
            {
                return new Deliveries(fake.Requests);
            }
            await Task.Delay(500);
        }
    }
}
