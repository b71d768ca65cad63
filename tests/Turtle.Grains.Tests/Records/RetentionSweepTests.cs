using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Turtle.Grains.Appointments;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;

namespace Turtle.Grains.Tests.Records;

/// <summary>
/// The retention sweep on Azurite with the real grains. Each test owns a year of days long past (no other test appends
/// there) and its own sweep grain, so its cursor starts where the test says.
/// </summary>
[Collection(TurtleClusterGroup.Name)]
public class RetentionSweepTests(TurtleClusterFixture cluster)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1826);

    /// <summary>A first day past every day a test sweeps: the other kind's sweep has nothing to do.</summary>
    private static readonly DateOnly NoBookings = DateOnly.MaxValue, NoRecords = DateOnly.MaxValue;

    private RecordTable Table => ((InProcessSiloHandle)cluster.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<RecordTable>();

    [Fact]
    public async Task ASweepDeletesExactlyTheDaysPastRetentionAndWhatRemainsVerifies()
    {
        var client = NewClient();
        var (first, second, third) = (new DateOnly(2001, 1, 1), new DateOnly(2001, 1, 2), new DateOnly(2001, 1, 3));
        var chain = new ChainWriter(Table, client);
        await chain.WriteAsync(first, 3);
        await chain.WriteAsync(second, 150);
        await chain.WriteAsync(third, 2);
        // The grain goes on from the table, appending today.
        await cluster.Grains.GetGrain<IClientRecordGrain>(client).AppendAsync([Entry("in/today", DateTimeOffset.UtcNow)]);

        var sweep = await Sweep().SweepAsync(AsOfWhenLastExpired(second), first, NoBookings);

        Assert.Equal(second, sweep.RecordsSweptThrough);
        Assert.Equal(2, sweep.RecordDays);
        var kept = await Table.ReadChainAsync(client);
        Assert.Equal(["2001-01-03/0", "2001-01-03/1", "in/today"], kept.Entries.Select(e => e.Entry.Id));
        Assert.Null(RecordChain.Verify(kept.Entries, kept.Cut));
        Assert.Empty(await Table.DayClientsAsync(first));
        Assert.Empty(await Table.DayClientsAsync(second));
        Assert.Contains(client, await Table.DayClientsAsync(third));
    }

    [Fact]
    public async Task ASweepStoppedMidwayIsResumedAndNothingIsSweptTwice()
    {
        var (one, two) = (NewClient(), NewClient());
        var (first, second, third) = (new DateOnly(2002, 1, 1), new DateOnly(2002, 1, 2), new DateOnly(2002, 1, 3));
        var chainOne = new ChainWriter(Table, one);
        await chainOne.WriteAsync(first, 120);
        await chainOne.WriteAsync(second, 1);
        await chainOne.WriteAsync(third, 2);
        await new ChainWriter(Table, two).WriteAsync(first, 2);
        // A silo died sweeping the first day: one client's entries gone (the cut with them), the other's and the day's list not.
        await Table.SweepDayAsync(one, first);
        var halfway = await Table.ReadChainAsync(one);
        Assert.Null(RecordChain.Verify(halfway.Entries, halfway.Cut));

        var grain = Sweep();
        var sweep = await grain.SweepAsync(AsOfWhenLastExpired(second), first, NoBookings);
        var again = await grain.SweepAsync(AsOfWhenLastExpired(second), first, NoBookings);

        Assert.Equal((2, second), (sweep.RecordDays, sweep.RecordsSweptThrough));
        Assert.Equal((0, 0), (again.RecordDays, again.RecordTransactions));
        Assert.Empty(await Table.ReadAsync(two));
        var kept = await Table.ReadChainAsync(one);
        Assert.Equal(["2002-01-03/0", "2002-01-03/1"], kept.Entries.Select(e => e.Entry.Id));
        Assert.Null(RecordChain.Verify(kept.Entries, kept.Cut));
        // After the cut, an edited entry or one removed by hand is still named.
        var edited = kept.Entries.Select(e => e.Entry.Id == "2002-01-03/1" ? e with { Entry = e.Entry with { Text = "edited" } } : e).ToList();
        Assert.Equal("2002-01-03/1", RecordChain.Verify(edited, kept.Cut)?.At.Entry.Id);
        Assert.Equal("2002-01-03/1", RecordChain.Verify(kept.Entries.Skip(1), kept.Cut)?.At.Entry.Id);
    }

    [Fact]
    public async Task AChainWhoseEveryEntryWasSweptGoesOnFromTheCut()
    {
        var client = NewClient();
        var day = new DateOnly(2003, 1, 1);
        await new ChainWriter(Table, client).WriteAsync(day, 2);
        await Sweep().SweepAsync(AsOfWhenLastExpired(day), day, NoBookings);

        await cluster.Grains.GetGrain<IClientRecordGrain>(client).AppendAsync([Entry("in/after-the-cut", DateTimeOffset.UtcNow)]);

        var kept = await Table.ReadChainAsync(client);
        Assert.Equal("in/after-the-cut", Assert.Single(kept.Entries).Entry.Id);
        Assert.Null(RecordChain.Verify(kept.Entries, kept.Cut));
    }

    [Fact]
    public async Task AnOldBookingKeepsItsTimesAndCountsButNoPersonalData()
    {
        var start = new DateTimeOffset(2004, 3, 10, 5, 30, 0, TimeSpan.Zero);
        var booking = Bookings.New(TimeSpan.Zero) with
        {
            StartTime = start,
            EndTime = start.AddMinutes(30),
            Answers = [new BookingAnswer("PAN", "ABCDE1234F")],
        };
        var grain = cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        await grain.BookAsync(booking);
        await grain.RecordReplyAsync(new ClientReply(start.AddMinutes(-50), "my PAN is ABCDE1234F", "wamid." + booking.InviteeId));
        var before = (await grain.GetAsync())!;
        var meetingDay = DateOnly.FromDateTime(start.UtcDateTime);

        var early = await Sweep().SweepAsync(start.AddDays(180), NoRecords, meetingDay);
        var sweep = await Sweep().SweepAsync(start.AddDays(182), NoRecords, meetingDay);

        Assert.Equal(0, early.BookingDays);
        Assert.Equal(meetingDay, sweep.BookingsSweptThrough);
        var after = (await grain.GetAsync())!;
        Assert.True(string.IsNullOrEmpty(after.ClientName));
        Assert.Null(after.PhoneMasked);
        Assert.Null(await grain.RevealPhoneAsync());
        Assert.Equal((before.StartTime, before.EndTime, before.Status), (after.StartTime, after.EndTime, after.Status));
        Assert.Equal(before.Notifications.Select(n => (n.Kind, n.State, n.SentAt)), after.Notifications.Select(n => (n.Kind, n.State, n.SentAt)));
        var reply = Assert.Single(after.Replies);
        Assert.Equal((start.AddMinutes(-50), ""), (reply.At, reply.Text));
        Assert.DoesNotContain(after.History, h => h.What.Contains("ABCDE", StringComparison.Ordinal) || h.What.Contains("Asha", StringComparison.Ordinal));
        Assert.Contains(after.History, h => h.What == BookingRetention.HistoryLine);
        var shards = AppointmentIndexKeys(start);
        foreach (var shard in shards)
        {
            Assert.Empty(await cluster.Grains.GetGrain<IAppointmentIndexGrain>(shard).FindByPhoneAsync(booking.Phone!));
        }
    }

    /// <summary>A time at which <paramref name="day"/> is the last day whose entries have all expired.</summary>
    private static DateTimeOffset AsOfWhenLastExpired(DateOnly day) =>
        new DateTimeOffset(day.AddDays(1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero) + Retention;

    private static IEnumerable<string> AppointmentIndexKeys(DateTimeOffset day) =>
        Enumerable.Range(0, 16).Select(shard => $"{day.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{shard:00}");

    private IRetentionGrain Sweep() => cluster.Grains.GetGrain<IRetentionGrain>("test-" + Guid.NewGuid().ToString("N"));

    private static RecordEntry Entry(string id, DateTimeOffset at) => new()
    {
        Id = id,
        At = at,
        Direction = RecordDirections.In,
        Kind = "text",
        Text = "hello",
        Actor = "client",
    };

    private static string NewClient() => "+9196" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes a client's chain on past days as the record's grain would have appended it then.</summary>
    private sealed class ChainWriter(RecordTable table, string client)
    {
        private string _previous = RecordChain.Start;
        private long _sequence;

        public async Task WriteAsync(DateOnly day, int count)
        {
            await table.MarkDayAsync(client, day);
            var rows = new List<StoredRecordEntry>();
            for (var i = 0; i < count; i++)
            {
                var entry = Entry($"{day:yyyy-MM-dd}/{i}", new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero).AddSeconds(i));
                var hash = RecordChain.Hash(_previous, entry);
                rows.Add(new StoredRecordEntry(client, RecordTable.RowKey(day, ++_sequence), entry, _previous, hash));
                _previous = hash;
            }
            foreach (var batch in rows.Chunk(RecordTable.MaxBatch))
            {
                Assert.True(await table.AddAsync(batch));
            }
        }
    }
}
