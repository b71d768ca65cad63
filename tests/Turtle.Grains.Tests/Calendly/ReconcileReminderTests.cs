using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Turtle.Grains.Appointments;
using Turtle.Grains.Calendly;
using Turtle.Grains.Tests.Cluster;

namespace Turtle.Grains.Tests.Calendly;

/// <summary>Reconciliation on its own reminder, every 3 seconds here.</summary>
public sealed class ReconcileReminderTests(ReconcileReminderTests.Fixture fixture) : IClassFixture<ReconcileReminderTests.Fixture>
{
    public sealed class Fixture : ReconcileClusterFixture
    {
        protected override string Interval => "00:00:03";
    }

    [Fact]
    public async Task ABookingWhoseWebhookNeverCameIsConfirmedByTheReminderAlone()
    {
        var missed = fixture.Seed(DateTimeOffset.UtcNow.AddDays(2));

        var confirmation = await fixture.WhatsApp.WaitForRequestsAsync(
            r => r.BizOpaqueCallbackData == $"{missed.InviteeUuid}:{NotificationKind.Confirmation}", 1, TimeSpan.FromSeconds(60));

        Assert.Single(confirmation);
        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == $"{missed.InviteeUuid}:{NotificationKind.Confirmation}");
    }

    [Fact]
    public async Task EverySiloStartingLeavesOneReminderOfTheConfiguredInterval()
    {
        await fixture.Reconciliation.ScheduleAsync();
        await fixture.Reconciliation.ScheduleAsync();

        var table = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<IReminderTable>();
        var rows = await table.ReadRows(fixture.Reconciliation.GetGrainId());

        var reminder = Assert.Single(rows.Reminders);
        Assert.Equal("calendly-reconcile-3s", reminder.ReminderName);
        Assert.Equal(TimeSpan.FromSeconds(3), reminder.Period);
    }
}

/// <summary>The shared cluster has no <c>Calendly:ApiToken</c>.</summary>
[Collection(TurtleClusterGroup.Name)]
public sealed class ReconcileWithoutTokenTests(TurtleClusterFixture fixture)
{
    [Fact]
    public async Task WithoutATokenNothingIsReadAndTheKeyIsNamed()
    {
        var result = await fixture.Grains.ReconcileAsync();

        Assert.Equal(ReconcileRunOutcome.NotConfigured, result.Outcome);
        Assert.Contains("Calendly:ApiToken", Assert.Single(result.Errors), StringComparison.Ordinal);
        var table = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<IReminderTable>();
        Assert.Empty((await table.ReadRows(fixture.Grains.GetGrain<IReconciliationGrain>(0).GetGrainId())).Reminders);
    }
}
