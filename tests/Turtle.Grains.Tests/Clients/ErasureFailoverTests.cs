using Turtle.Grains.Appointments;
using Turtle.Grains.Clients;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Clients;

/// <summary>
/// A two-silo cluster of the test's own: the silo running a client's erasure dies here, which the other tests must not
/// see. Once with the record kept for the regulator, once with it deleted (<c>Records:KeepForRegulator</c>).
/// </summary>
public abstract class ErasureFailoverTests(TurtleClusterFixture fixture, bool keepRecord)
{
    /// <summary>Enough bookings that the erasure is still among them when its silo is killed.</summary>
    private const int BookingCount = 40;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>The erasure's reminder ticks a minute after the run began; the survivor takes its range once the dead silo is declared.</summary>
    private static readonly TimeSpan ResumeWait = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task AnErasureWhoseSiloDiesMidRunIsCarriedOnByItsReminderAndLeavesNothingOfTheClient()
    {
        var phone = Bookings.New(TimeSpan.FromDays(3)).Phone!;
        var userId = "IN." + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "3";
        var text = "Can we move my meeting? " + userId;
        Assert.Null(await fixture.Grains.GetGrain<IWhatsAppUserGrain>(userId).ResolveAsync(
            new WhatsAppUserMessage("wamid.unmatched-" + userId, DateTimeOffset.UtcNow, text, "@asha", OptOut: null)));
        await fixture.Grains.GetGrain<IWhatsAppUserGrain>(userId).LinkAsync(phone);
        // Opted out: the bookings send nothing, so the run is the erasure's alone, and the opt-out must outlive it as a hash.
        await fixture.Grains.GetGrain<IRecipientGrain>(phone).OptOutAsync();
        var bookings = Enumerable.Range(0, BookingCount)
            .Select(i => Bookings.New(TimeSpan.FromDays(2) + TimeSpan.FromHours(i)) with { Phone = phone })
            .ToList();
        foreach (var booking in bookings)
        {
            await Grain(booking).BookAsync(booking);
        }
        await Eventually.ReadAsync(() => fixture.Grains.GetGrain<IClientRecordGrain>(phone).BookingsAsync(), b => b.Count == BookingCount, Wait);
        await Eventually.HoldsAsync(async () => (await Attention.ListAsync()).Count(e => bookings.Exists(b => b.InviteeId == e.AppointmentId)) >= BookingCount,
            Wait, "every booking listed (the advisor has no phone)");

        var erasure = fixture.Grains.GetGrain<IClientErasureGrain>(ClientHash.Of(phone));
        var run = erasure.EraseAsync(phone, "dpo@firm.test");
        await Eventually.HoldsAsync(async () => (await StoredErasureAsync(phone)) is { Phone: not null, BookingsErased: > 0 }, Wait, "the bookings step under way");
        var host = await fixture.HostOfAsync(erasure);
        await fixture.Cluster.KillSiloAsync(host);

        // Stopped part-way, as stored: the number and bookings still to do.
        var stopped = await StoredErasureAsync(phone);
        Assert.NotNull(stopped.Phone);
        Assert.NotEmpty(stopped.Bookings);
        await Record.ExceptionAsync(() => run);

        // Nobody asks again: only the erasure's reminder, on the surviving silo, can finish it.
        var done = await Eventually.ReadAsync(() => StoredErasureAsync(phone), s => s.Last is not null, ResumeWait);
        Assert.NotNull(done.Last);
        Assert.Null(done.Phone);
        Assert.Empty(done.Bookings);
        Assert.Empty(done.WaIds);

        foreach (var booking in bookings)
        {
            var view = (await Grain(booking).GetAsync())!;
            Assert.Equal((null, null), (view.ClientName, view.PhoneMasked));
            Assert.NotNull(view.ClientErasedAt);
        }
        var shard = new GrainState<OptOutListState>();
        await fixture.Storage(TurtleStorage.Recipients).ReadStateAsync("optouts", fixture.Grains.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(phone)).GetGrainId(), shard);
        Assert.DoesNotContain(phone, shard.State!.Numbers.Keys);
        Assert.DoesNotContain(shard.State.Links, l => l.Key == phone || l.Value == phone);
        Assert.Contains(ClientHash.Of(phone), shard.State.ErasedHashes);
        var user = new GrainState<WhatsAppUserState>();
        await fixture.Storage(TurtleStorage.Recipients).ReadStateAsync("whatsappuser", fixture.Grains.GetGrain<IWhatsAppUserGrain>(userId).GetGrainId(), user);
        Assert.Null(user.State?.Phone);
        var listed = await Attention.ListAsync();
        Assert.DoesNotContain(listed, e => bookings.Exists(b => b.InviteeId == e.AppointmentId));
        Assert.DoesNotContain(listed, e => e.Detail?.Contains(userId, StringComparison.Ordinal) == true);
        var record = await fixture.Grains.GetGrain<IClientRecordGrain>(phone).ReadAsync(null, null);
        Assert.Equal(keepRecord, done.Last.RecordKept);
        if (keepRecord)
        {
            // The record stays for the regulator, with the erasure entered once.
            Assert.Equal("dpo@firm.test", Assert.Single(record, e => e is { Direction: RecordDirections.Staff, Kind: "erase" }).Actor);
        }
        else
        {
            Assert.Empty(record);
        }
    }

    private IAttentionGrain Attention => fixture.Grains.GetGrain<IAttentionGrain>(0);

    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    private async Task<ClientErasureState> StoredErasureAsync(string phone)
    {
        var stored = new GrainState<ClientErasureState>();
        await fixture.Storage(TurtleStorage.Recipients).ReadStateAsync("erasure", fixture.Grains.GetGrain<IClientErasureGrain>(ClientHash.Of(phone)).GetGrainId(), stored);
        return stored.State ?? new ClientErasureState();
    }
}

public sealed class ErasureFailoverKeepingTheRecordTests(TurtleClusterFixture fixture)
    : ErasureFailoverTests(fixture, keepRecord: true), IClassFixture<TurtleClusterFixture>;

public sealed class ErasureFailoverDeletingTheRecordTests(ErasureFailoverDeletingTheRecordTests.Fixture fixture)
    : ErasureFailoverTests(fixture, keepRecord: false), IClassFixture<ErasureFailoverDeletingTheRecordTests.Fixture>
{
    public sealed class Fixture : TurtleClusterFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Records:KeepForRegulator"] = "false" };
    }
}
