using Turtle.Grains.Appointments;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Appointments;

/// <summary>A one-silo cluster whose storage passes through a proxy that can refuse the attention list's writes.</summary>
public sealed class AttentionOutageFixture : TurtleClusterFixture, IAsyncLifetime
{
    public TableProxy Proxy { get; } = new(TestStorage.ConnectionString);

    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:AzureStorage"] = Proxy.ConnectionString,
    };

    public new async Task InitializeAsync()
    {
        await Proxy.StartAsync();
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

public class AttentionOutageTests(AttentionOutageFixture fixture) : IClassFixture<AttentionOutageFixture>
{
    [Fact]
    public async Task ReasonTheListCouldNotStoreIsKeptByTheBookingAndToldLater()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3), phone: false);
        var list = fixture.Grains.GetGrain<IAttentionGrain>(0);
        await list.ListAsync();
        // Orleans keys a grain's row by its id: the attention list's writes fail, the bookings' do not.
        fixture.Proxy.RefuseRequest = (verb, request) => verb != "GET" && request.Contains("attention", StringComparison.OrdinalIgnoreCase);

        var result = await fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);

        Assert.True(result.Changed);
        Assert.Equal(AppointmentStatus.NoPhone, result.Status);
        Assert.Contains(fixture.Proxy.Snapshot(), c => c.Key.EndsWith("(refused)", StringComparison.Ordinal));
        // Storage holds the booking with its reason marked untold, and a list without it.
        var stored = await ReadAsync<AppointmentState>("appointment", fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).GetGrainId());
        var mark = Assert.Single(stored.Attention);
        Assert.Equal(AttentionReasonCodes.NoPhone, mark.Reason);
        Assert.False(mark.Told);
        Assert.DoesNotContain((await ReadAsync<AttentionState>("attention", list.GetGrainId())).Entries.Values, e => e.AppointmentId == booking.InviteeId);

        fixture.Proxy.RefuseRequest = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (!(await ReadAsync<AttentionState>("attention", list.GetGrainId())).Entries.Values.Any(e => e.AppointmentId == booking.InviteeId && e.Reason == AttentionReasonCodes.NoPhone))
        {
            Assert.True(DateTime.UtcNow < deadline, "the booking never told the attention list");
            await Task.Delay(250);
        }
        Assert.Contains(await list.ListAsync(), e => e.AppointmentId == booking.InviteeId);
    }

    [Fact]
    public async Task CancelThatOvertookItsCreateAndCouldNotBeListedIsListedByTheWebhooksRetry()
    {
        // A day of its own, so its index shard is not active yet and must be read from storage, which is down for it.
        var booking = Bookings.New(TimeSpan.FromDays(300 + Random.Shared.Next(300)));
        var grain = fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);
        var shard = fixture.Grains.GetGrain<IAppointmentIndexGrain>(AppointmentIndex.Key(booking.StartTime, booking.InviteeId));
        fixture.Proxy.RefuseRequest = (verb, request) => request.Contains("appointmentindex", StringComparison.OrdinalIgnoreCase);

        // The cancel is stored, then listing it fails: the webhook is not answered 2xx, so Calendly sends it again.
        await Assert.ThrowsAnyAsync<Exception>(() => grain.CancelAsync(Bookings.Cancel(booking)));
        Assert.Equal(AppointmentStatus.Cancelled, (await ReadAsync<AppointmentState>("appointment", grain.GetGrainId())).Status);

        fixture.Proxy.RefuseRequest = null;
        var retry = await grain.CancelAsync(Bookings.Cancel(booking));

        Assert.True(retry.Changed);
        Assert.Contains(await shard.ListAsync(), e => e.AppointmentId == booking.InviteeId);
        Assert.Contains(await fixture.Grains.GetGrain<IAppointmentQueryGrain>(0).ListAsync(booking.StartTime.AddMinutes(-1), booking.StartTime.AddMinutes(1)), v => v.Id == booking.InviteeId);
    }

    private async Task<T> ReadAsync<T>(string name, GrainId grain)
        where T : new()
    {
        var state = new GrainState<T>(new T());
        await fixture.Storage(TurtleStorage.Appointments).ReadStateAsync(name, grain, state);
        return state.State ?? new T();
    }
}
