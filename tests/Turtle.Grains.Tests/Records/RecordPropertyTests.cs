using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Turtle.Grains.Appointments;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;
using Xunit.Abstractions;

namespace Turtle.Grains.Tests.Records;

/// <summary>
/// Random sequences of what happens around a booking's messages (Meta failing a send for a while or for good, a person
/// retrying, Meta's statuses repeated and out of order, the client's replies delivered twice, the booking's activation
/// lost between its flush and its next write), after which the client's record must hold every message Meta accepted
/// exactly once, and a chain that verifies. The seed is printed; set TURTLE_RECORD_SEED to replay one.
/// </summary>
[Collection(TurtleClusterGroup.Name)]
public class RecordPropertyTests(TurtleClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private static readonly DeliveryStatus[] Statuses = [DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Read];

    private RecordTable Table => ((InProcessSiloHandle)cluster.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<RecordTable>();

    [Fact]
    public async Task AnySequenceOfSendsStatusesRepliesAndRetriesLeavesEveryAcceptedMessageInTheRecordOnce()
    {
        var seed = Environment.GetEnvironmentVariable("TURTLE_RECORD_SEED") is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        for (var round = 0; round < 3; round++)
        {
            await PlayAsync(new Random(seed + round), $"seed {seed} round {round}");
        }
    }

    private async Task PlayAsync(Random random, string label)
    {
        // Within the hour: the confirmation, the bio, the reconfirm and the reminder are all due at once, six seconds
        // apart at the number.
        var booking = Bookings.New(TimeSpan.FromMinutes(40 + random.Next(15)));
        var phone = booking.Phone!;
        var digits = phone.TrimStart('+');
        var grain = cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        var record = cluster.Grains.GetGrain<IClientRecordGrain>(phone);
        if (random.Next(2) == 0)
        {
            cluster.WhatsApp.FailNext(phone, random.Next(1, 3), 500, 131000, "Something went wrong");
        }
        else if (random.Next(2) == 0)
        {
            cluster.WhatsApp.FailNext(phone, 1, 400, 132000, "Number of parameters does not match");
        }
        await grain.BookAsync(booking);

        var replies = new List<string>();
        for (var step = 0; step < 14; step++)
        {
            var accepted = Accepted(digits, booking);
            switch (random.Next(6))
            {
                case 0 or 1 when accepted.Count > 0:
                    var request = accepted[random.Next(accepted.Count)];
                    var update = new DeliveryStatusUpdate
                    {
                        MessageId = request.MessageId!,
                        Status = Statuses[random.Next(Statuses.Length)],
                        At = DateTimeOffset.UtcNow,
                        Kind = Enum.Parse<NotificationKind>(request.BizOpaqueCallbackData!.Split(':')[1]),
                    };
                    await grain.ApplyDeliveryStatusAsync(update);
                    if (random.Next(3) == 0)
                    {
                        await grain.ApplyDeliveryStatusAsync(update);
                    }
                    break;
                case 2:
                    // The client writes, and Meta may deliver it again: the webhook enters it as the API does.
                    var wamid = replies.Count > 0 && random.Next(3) == 0 ? replies[random.Next(replies.Count)] : "wamid.in-" + Guid.NewGuid().ToString("N");
                    replies.Add(wamid);
                    await record.AppendAsync([new RecordEntry
                    {
                        Id = RecordEntryIds.In(wamid), At = DateTimeOffset.UtcNow, Direction = RecordDirections.In, Kind = "text",
                        Text = "reply " + wamid[^6..], MessageId = wamid, Actor = "client", From = phone,
                    }]);
                    break;
                case 3:
                    var failed = (await grain.GetAsync())!.Notifications.FirstOrDefault(n => n.State == NotificationState.Failed);
                    if (failed is not null)
                    {
                        await grain.RetryNotificationAsync(failed.Kind, BookingSources.Console);
                    }
                    break;
                case 4:
                    // The booking's activation goes (as with a silo), perhaps between a flush and the write that drops it.
                    await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
                    await grain.WakeAsync();
                    break;
                default:
                    await Task.Delay(random.Next(200, 1500));
                    break;
            }
        }

        // Every message due has gone or failed (sends to one number go six seconds apart, retries back off)…
        await Eventually.HoldsAsync(async () => (await grain.GetAsync())!.Notifications
            .Where(n => n.DueAt <= DateTimeOffset.UtcNow)
            .All(n => n.State is not (NotificationState.Pending or NotificationState.Sending)), Wait, $"{label}: the due messages settled");
        // …and every message Meta accepted reaches the record, however long its flushes take.
        var entries = await Eventually.ReadAsync(() => record.ReadAsync(null, null),
            read => Accepted(digits, booking).All(r => read.Any(e => e.Kind != "status" && e.MessageId == r.MessageId)), Wait);
        var final = Accepted(digits, booking);
        Assert.True(final.Count > 0, label);
        foreach (var request in final)
        {
            Assert.True(entries.Count(e => e.Direction == RecordDirections.Out && e.Kind != "status" && e.MessageId == request.MessageId) == 1,
                $"{label}: {request.BizOpaqueCallbackData} ({request.MessageId}) is not in the record exactly once: {Describe(entries)}");
        }
        output.WriteLine($"{label}: {final.Count} accepted of {cluster.WhatsApp.Requests.Count(r => r.To == digits)} requests, {replies.Count} replies, {entries.Count} entries");
        Assert.Equal(entries.Count, entries.Select(e => e.Id).Distinct().Count());
        Assert.Equal(replies.Distinct().Count(), entries.Count(e => e.Direction == RecordDirections.In));
        Assert.Null(RecordChain.Verify(await Table.ReadAsync(phone)));
    }

    private List<Testing.WhatsApp.FakeWhatsAppRequest> Accepted(string digits, BookingDetails booking) =>
        [.. cluster.WhatsApp.Accepted.Where(r => r.To == digits && r.BizOpaqueCallbackData?.StartsWith(booking.InviteeId, StringComparison.Ordinal) == true)];

    private static string Describe(IEnumerable<RecordEntry> entries) =>
        string.Join(" | ", entries.Select(e => $"{e.Id} {e.Status} {e.MessageId}"));
}
