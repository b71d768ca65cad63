using Turtle.Grains.Advisors;
using Azure.Data.Tables;
using Turtle.Testing;
using Turtle.Testing.Google;

namespace Turtle.Grains.Tests.Advisors;

[Collection(AdvisorClusterGroup.Name)]
public sealed class AdvisorDirectoryGrainTests(AdvisorClusterFixture fixture)
{
    [Fact]
    public async Task RefreshLoadsTheSheetThroughTheServiceAccount()
    {
        var email = SampleSheet.UniqueEmail("kavya");
        var snapshot = await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(email, "Kavya Rao"), ["", "No Email", "", "bio"]));

        Assert.Null(snapshot.LastError);
        Assert.Equal(email, Assert.Single(snapshot.Advisors).Email);
        var rejected = Assert.Single(snapshot.Rejected);
        Assert.Equal(3, rejected.RowNumber);
        Assert.Contains(fixture.Google.SpreadsheetId, snapshot.Source, StringComparison.Ordinal);
        Assert.Empty(fixture.Google.RefusedAssertions);
        Assert.True(fixture.Google.TokenRequests >= 1);
    }

    [Fact]
    public async Task OutageKeepsServingTheCachedDirectoryAndReportsTheError()
    {
        var email = SampleSheet.UniqueEmail("rohan");
        var good = await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(email, "Rohan Das")));
        try
        {
            fixture.Google.Fault = SheetsFault.PermissionDenied;
            var denied = await fixture.Directory.RefreshAsync();
            Assert.Contains($"the sheet is not shared with {fixture.Google.ServiceAccount.ClientEmail}", denied.LastError, StringComparison.Ordinal);
            Assert.Equal(good.Advisors, denied.Advisors);
            Assert.Equal(good.Version, denied.Version);
            Assert.Equal(good.LastRefresh, denied.LastRefresh);
            Assert.True(denied.LastAttempt > good.LastRefresh);

            fixture.Google.Fault = SheetsFault.None;
            await fixture.Google.StopAsync();
            var unreachable = await fixture.Directory.RefreshAsync();
            Assert.StartsWith("Sheets API unreachable:", unreachable.LastError, StringComparison.Ordinal);
            Assert.Equal(good.Advisors, (await fixture.Directory.GetSnapshotAsync()).Advisors);

            // Bookings still get advisors while Google is down.
            var assignment = await fixture.Lookup.AssignAsync(new AssignmentRequest { AppointmentId = Guid.NewGuid().ToString(), StartTime = DateTimeOffset.UtcNow.AddDays(2) });
            Assert.Equal(email, assignment.Advisor?.Email);
        }
        finally
        {
            await fixture.Google.RestartAsync();
        }

        var recovered = await fixture.Directory.RefreshAsync();
        Assert.Null(recovered.LastError);
        Assert.True(recovered.LastRefresh > good.LastRefresh);
        Assert.Equal(good.Version, recovered.Version);
    }

    [Fact]
    public async Task StoredDirectoryIsServedAfterReactivationWhileGoogleIsDown()
    {
        var email = SampleSheet.UniqueEmail("neha");
        await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(email, "Neha Kulkarni")));
        await fixture.Google.StopAsync();
        try
        {
            await fixture.Cluster.DeactivateAsync(fixture.Directory);
            await fixture.Cluster.WaitForDeactivationAsync(fixture.Directory);

            var served = await fixture.Directory.GetSnapshotAsync();
            Assert.Equal(email, Assert.Single(served.Advisors).Email);

            // The reload right after activation fails and says so; the stored copy stays in service.
            var afterReload = await Eventually.ReadAsync(fixture.Directory.GetSnapshotAsync, s => s.LastError is not null, TimeSpan.FromSeconds(15));
            Assert.StartsWith("Sheets API unreachable:", afterReload.LastError, StringComparison.Ordinal);
            Assert.Equal(email, Assert.Single(afterReload.Advisors).Email);
        }
        finally
        {
            await fixture.Google.RestartAsync();
        }
    }

    [Fact]
    public async Task UnchangedSheetCausesNoStorageWrite()
    {
        var first = await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(SampleSheet.UniqueEmail("isha"), "Isha Singh")));
        var before = await DirectoryRowETagAsync();

        var again = await fixture.Directory.RefreshAsync();

        Assert.Null(again.LastError);
        Assert.Equal(first.Version, again.Version);
        Assert.True(again.LastRefresh > first.LastRefresh);
        Assert.Equal(before, await DirectoryRowETagAsync());
    }

    [Fact]
    public async Task ChangedSheetBumpsTheVersionAndReachesLookups()
    {
        var email = SampleSheet.UniqueEmail("dev");
        var first = await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(email, "Dev Patel")));
        var edited = SampleSheet.Row(email, "Dev Patel");
        edited[3] = "Dev now also advises on insurance.";

        var second = await fixture.UseSheetAsync(SampleSheet.Rows(edited));

        Assert.Equal(first.Version + 1, second.Version);
        Assert.Equal("Dev now also advises on insurance.", (await fixture.Lookup.FindAsync(email.ToUpperInvariant()))?.Bio);
    }

    [Fact]
    public async Task SheetWithoutValidRowsKeepsTheLastGoodCopy()
    {
        var email = SampleSheet.UniqueEmail("anil");
        var good = await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(email, "Anil Kapoor")));
        fixture.Google.SetRows([SampleSheet.Header]);

        var emptied = await fixture.Directory.RefreshAsync();

        Assert.Contains("no valid advisor rows", emptied.LastError, StringComparison.Ordinal);
        Assert.Equal(good.Advisors, emptied.Advisors);
    }

    [Fact]
    public async Task MissingHeaderFailsTheLoadWithItsReason()
    {
        var good = await fixture.UseSheetAsync(SampleSheet.Rows(SampleSheet.Row(SampleSheet.UniqueEmail("tara"), "Tara Nair")));
        fixture.Google.SetRows([["Email", "Name"], ["x@turtle.example", "X"]]);

        var failed = await fixture.Directory.RefreshAsync();

        Assert.Contains("no 'Bio' column", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(good.Advisors, failed.Advisors);
    }

    private async Task<Azure.ETag> DirectoryRowETagAsync()
    {
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient("TurtleAdvisors");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            if (row.PartitionKey.StartsWith(fixture.ServiceId, StringComparison.Ordinal)
                && row.PartitionKey.Contains("advisordirectory", StringComparison.OrdinalIgnoreCase) && row.RowKey == "directory")
            {
                rows.Add(row);
            }
        }
        return Assert.Single(rows).ETag;
    }
}
