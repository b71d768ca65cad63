using System.Net;
using Turtle.Grains.Appointments.Index;
using Turtle.Grains.Records;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Xunit.Abstractions;

namespace Turtle.EndToEnd.Tests;

/// <summary>
/// Storage writes a new booking costs, counted by a proxy in front of Azurite's table endpoint: one row for the booking
/// (its first messages included) and one for its reminder. The client journey's lookups (which booking a reply belongs
/// to) add none: the client's number rides on the day index, which writes once per shard per flush, not per booking.
/// The client's record (SPEC §13) is not written on the way: the booking's first write carries its entries, flushed to
/// the record's own table after the webhook was answered; those transactions are counted apart.
/// </summary>
public class IngestWritesEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Count = 30;

    private readonly TableProxy _storage = new(TestStorage.ConnectionString);
    private const int AdvisorsInDefaultSheet = 3;

    private TurtleDeployment _turtle = null!;

    public async Task InitializeAsync()
    {
        await _storage.StartAsync();
        _turtle = new TurtleDeployment(new Dictionary<string, string?>
        {
            ["ConnectionStrings__AzureStorage"] = _storage.ConnectionString,
            // The advisor's new-booking notices queue behind each other at the advisor's number and go out later, each
            // claimed and recorded like any later message: not the booking's ingest, so they are left out of this count.
            ["Notifications__DisabledKinds__0"] = "AdvisorBooked",
        });
        await _turtle.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _turtle.DisposeAsync();
        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task ANewBookingCostsTwoWritesAndItsShareOfTheDayIndex()
    {
        using var http = _turtle.CreateClient();
        // One booking first, so the advisor directory, table creation and opt-out shards are not counted.
        await BookAsync(http, DateTimeOffset.UtcNow.AddDays(3));
        await Task.Delay(AppointmentIndexGrain.FlushDelay + TimeSpan.FromSeconds(2));

        var before = _storage.Snapshot();
        var start = DateTimeOffset.UtcNow.AddDays(3);
        var ids = await Task.WhenAll(Enumerable.Range(0, Count).Select(_ => BookAsync(http, start)));
        // The index shards write what the bookings added within one flush delay.
        await Task.Delay(AppointmentIndexGrain.FlushDelay + TimeSpan.FromSeconds(2));
        var writes = _storage.Snapshot()
            .Where(kv => !kv.Key.StartsWith("GET", StringComparison.Ordinal) && !kv.Key.Contains("OrleansSiloInstances", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));

        var shards = ids.Select(id => AppointmentIndex.Key(start, id)).Distinct().Count();
        var appointments = writes.Where(kv => kv.Key.EndsWith(" TurtleAppointments", StringComparison.Ordinal)).Sum(kv => kv.Value);
        var reminders = writes.Where(kv => kv.Key.EndsWith(" OrleansReminders", StringComparison.Ordinal)).Sum(kv => kv.Value);
        // "PUT TurtleRecord" (the client's day list), "POST $batch(TurtleRecord)" (entries, one transaction per flush).
        static bool IsRecord(string key) => key.EndsWith(" " + RecordTable.TableName, StringComparison.Ordinal) || key.EndsWith($"({RecordTable.TableName})", StringComparison.Ordinal);
        var record = writes.Where(kv => IsRecord(kv.Key)).Sum(kv => kv.Value);
        // The day's counts (SPEC §16): told after the webhook's answer, written once per flush of the day, not per booking.
        var insight = writes.Where(kv => kv.Key.EndsWith(" TurtleInsights", StringComparison.Ordinal)).Sum(kv => kv.Value);
        var others = writes.Where(kv => !kv.Key.EndsWith(" TurtleAppointments", StringComparison.Ordinal) && !kv.Key.EndsWith(" OrleansReminders", StringComparison.Ordinal)
                && !IsRecord(kv.Key) && !kv.Key.EndsWith(" TurtleInsights", StringComparison.Ordinal))
            .Where(kv => kv.Value > 0).ToList();
        var figure = $"e2e ingest writes: {Count} bookings -> {appointments} appointment-table writes ({shards} of them day-index shards touched), " +
            $"{reminders} reminder writes: {(appointments - shards + reminders) / (double)Count:0.00} writes per booking plus {shards / (double)Count:0.00} amortized index; " +
            $"after the webhook, {record / (double)Count:0.00} record transactions per booking (its opt-in and confirmation, one batch, and the client's day list)" +
            $" and {insight} writes of the day's insight counts";
        output.WriteLine(figure);
        Figures.Record(figure);

        // One reminder per booking; besides them, at most one per advisor of that day arms its agenda (three advisors in the
        // default sheet, one of them already armed by the first booking): per advisor and day, not per booking.
        Assert.InRange(reminders, Count, Count + AdvisorsInDefaultSheet - 1);
        Assert.InRange(appointments, Count + 1, Count + shards);
        Assert.Empty(others);
        Assert.InRange(insight, 0, 3);
    }

    private async Task<string> BookAsync(HttpClient http, DateTimeOffset start)
    {
        var id = Guid.NewGuid().ToString();
        using (var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(_turtle.ApiBase, TurtleDeployment.SigningKey,
            CalendlyWebhooks.InviteeCreated(id, "+91 98" + Random.Shared.Next(10_000_000, 99_999_999), start))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await _turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{id}:Confirmation" && r.MessageId is not null, 1, TimeSpan.FromSeconds(60));
        return id;
    }
}
