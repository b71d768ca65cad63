using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Turtle.Api.Access;
using Turtle.Api.Audit;
using Turtle.Testing;

namespace Turtle.Api.Tests.Access;

/// <summary>The audit's entries on Azurite: written as actions happen, read back by window in time order, per service.</summary>
public sealed class StaffAuditTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 23, 59, 0, TimeSpan.Zero));

    [Fact]
    public async Task EntriesAreReadBackByWindowInTimeOrderWithWhoWhatAndWhichClient()
    {
        var audit = Audit(TestStorage.UniqueId("audit"));
        var otto = StaffPrincipal.Create("Otto Operator <otto@firm.test>", StaffRole.Operator, StaffPrincipal.Person, "test");
        var script = StaffPrincipal.Create("nightly-script", StaffRole.Operator, StaffPrincipal.Key, "test");

        await audit.RecordAsync(otto, StaffActions.RevealPhone, "3f1c2b9e-2f4d-4c7a-9d55-0c1e2d3f4a5b", "+919830020001");
        _time.Advance(TimeSpan.FromMinutes(2));
        await audit.RecordAsync(script, StaffActions.Reconcile);
        var entries = await audit.ListAsync(_time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddSeconds(1));

        Assert.Collection(entries,
            e =>
            {
                Assert.Equal(("Otto Operator <otto@firm.test>", "person", "reveal-phone"), (e.Actor, e.ActorKind, e.Action));
                Assert.Equal(("3f1c2b9e-2f4d-4c7a-9d55-0c1e2d3f4a5b", "+919830020001"), (e.AppointmentId, e.ClientPhone));
                Assert.Equal(new DateTimeOffset(2026, 12, 7, 23, 59, 0, TimeSpan.Zero), e.At);
            },
            e => Assert.Equal(("nightly-script", "key", "reconcile"), (e.Actor, e.ActorKind, e.Action)));
        Assert.Equal("+91******0001", AuditItem.From(entries[0]).Client);
        Assert.Single(await audit.ListAsync(_time.GetUtcNow().AddSeconds(-30), _time.GetUtcNow().AddSeconds(1)));
    }

    [Fact]
    public async Task AnotherServicesEntriesAreNotListed()
    {
        var mine = Audit(TestStorage.UniqueId("audit"));
        var theirs = Audit(TestStorage.UniqueId("audit"));

        await theirs.RecordAsync(StaffPrincipal.Create("someone", StaffRole.Admin, StaffPrincipal.Person, "test"), StaffActions.SignIn);

        Assert.Empty(await mine.ListAsync(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(1)));
    }

    private StaffAudit Audit(string serviceId) => new(
        TestStorage.CreateTableClient(),
        new ConfigurationBuilder().AddInMemoryCollection([new("Orleans:ServiceId", serviceId)]).Build(),
        _time);
}
