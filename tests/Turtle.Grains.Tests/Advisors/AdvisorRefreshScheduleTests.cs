using Turtle.Grains.Advisors;
using Turtle.Testing;
using Turtle.Testing.Google;

namespace Turtle.Grains.Tests.Advisors;

[Collection(FastRefreshClusterGroup.Name)]
public sealed class AdvisorRefreshScheduleTests(FastRefreshClusterFixture fixture)
{
    [Fact]
    public async Task DirectoryReloadsOnItsOwnEveryRefreshInterval()
    {
        await fixture.Directory.GetSnapshotAsync();
        var email = SampleSheet.UniqueEmail("timer");
        fixture.Google.SetRows(SampleSheet.Rows(SampleSheet.Row(email, "On Schedule")));

        var loaded = await PollAsync(s => s.Advisors.Any(a => a.Email == email));
        Assert.Null(loaded.LastError);

        fixture.Google.Fault = SheetsFault.QuotaExceeded;
        try
        {
            var failed = await PollAsync(s => s.LastError is not null);
            Assert.Equal("Sheets API quota exceeded, will retry at next refresh", failed.LastError);
            Assert.Contains(failed.Advisors, a => a.Email == email);
        }
        finally
        {
            fixture.Google.Fault = SheetsFault.None;
        }
        await PollAsync(s => s.LastError is null);
    }

    private async Task<AdvisorDirectorySnapshot> PollAsync(Func<AdvisorDirectorySnapshot, bool> condition)
    {
        var snapshot = await Eventually.ReadAsync(fixture.Directory.GetSnapshotAsync, condition, TimeSpan.FromSeconds(10));
        Assert.True(condition(snapshot), "The directory did not reload within 10 s.");
        return snapshot;
    }
}
