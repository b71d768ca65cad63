using Turtle.Grains.Appointments;
using Turtle.Grains.Records;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Records;

/// <summary>Bookings waiting for the record to catch up wait as grain ids in their silo's record backlog, not as activations.</summary>
public class RecordBacklogTests(ProxiedStorageFixture fixture) : IClassFixture<ProxiedStorageFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BookingsWaitingForASlowRecordLeaveMemoryWhenIdleAndTheirEntriesStillReachIt()
    {
        // Each record write takes 2 s: 40 bookings' flushes, a few at a time, take far longer than the test waits below.
        fixture.Proxy.Delay = (table, _) => table.Contains(RecordTable.TableName, StringComparison.Ordinal) ? TimeSpan.FromSeconds(2) : TimeSpan.Zero;
        var bookings = Enumerable.Range(0, 40).Select(_ => Bookings.New(TimeSpan.FromDays(3))).ToList();
        try
        {
            await Task.WhenAll(bookings.Select(b => fixture.Grains.GetGrain<IAppointmentGrain>(b.InviteeId).BookAsync(b)));
            await fixture.WhatsApp.WaitForRequestsAsync(r => bookings.Any(b => r.BizOpaqueCallbackData == Bookings.Tag(b, NotificationKind.Confirmation)), bookings.Count, Wait);
            await Task.Delay(TimeSpan.FromSeconds(3));

            await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.FromSeconds(1));
            var active = await BookingActivationsAsync();
            Figures.Record($"grain: 40 bookings waiting for a record that writes in 2 s: {active} still in memory after idle ones were collected ({RecordBacklog.Workers} flush at once)");
            // Only those whose flush is writing at that moment are busy (and, on a loaded machine, a few not yet idle
            // for a second); waiting in the silo's backlog keeps none of them.
            Assert.InRange(active, 0, bookings.Count / 2);
        }
        finally
        {
            fixture.Proxy.Delay = null;
        }

        foreach (var booking in bookings)
        {
            var record = fixture.Grains.GetGrain<IClientRecordGrain>(booking.Phone!);
            var entries = await Eventually.ReadAsync(() => record.ReadAsync(null, null), e => e.Any(x => x.Kind == nameof(NotificationKind.Confirmation)), Wait);
            Assert.Single(entries, e => e.Kind == nameof(NotificationKind.Confirmation) && e.AppointmentId == booking.InviteeId);
        }
    }

    private async Task<int> BookingActivationsAsync()
    {
        var statistics = await fixture.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(nameof(AppointmentGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
