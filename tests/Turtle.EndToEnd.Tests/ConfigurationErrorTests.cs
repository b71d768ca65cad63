using Turtle.Testing;
using Turtle.Testing.Processes;

namespace Turtle.EndToEnd.Tests;

/// <summary>Bad configuration stops a process at start, and its message names the key to fix.</summary>
public class ConfigurationErrorTests
{
    [Theory]
    [InlineData("WhatsApp__Templates__Reminder__Parameters__0", "client_shoe_size", "WhatsApp:Templates:Reminder:Parameters")]
    [InlineData("Notifications__ReminderLeadTimes__0", "-01:00:00", "Notifications:ReminderLeadTimes")]
    [InlineData("Notifications__DefaultRegion", "india", "Notifications:DefaultRegion")]
    [InlineData("Notifications__FirmTimeZone", "India Standard Time", "Notifications:FirmTimeZone")]
    [InlineData("Notifications__AgendaTime", "1.08:00:00", "Notifications:AgendaTime")]
    [InlineData("Orleans__SiloPort", "0", "Orleans:SiloPort")]
    [InlineData("Advisors__Source", "GoogleSheets", "Advisors:SpreadsheetId")]
    [InlineData("Calendly__ReconcileDays", "0", "Calendly:ReconcileDays")]
    [InlineData("Calendly__ReconcileInterval", "soon", "Calendly:ReconcileInterval")]
    [InlineData("Records__KeepForRegulator", "maybe", "Records:KeepForRegulator")]
    public async Task SiloRefusesToStartAndNamesTheKey(string variable, string value, string key)
    {
        await using var silo = TurtleProcess.Start("Turtle.Silo", new Dictionary<string, string?>
        {
            ["ConnectionStrings__AzureStorage"] = TestStorage.ConnectionString,
            ["Orleans__ClusterId"] = TestStorage.UniqueId("badconfig"),
            ["Orleans__SiloPort"] = TurtleProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = TurtleProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__DashboardPort"] = TurtleProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            [variable] = value,
        });

        var exited = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, $"the silo kept running with {variable}={value}:{Environment.NewLine}{silo.Output}");
        Assert.Contains(key, silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiRefusesToStartWithAnUnknownRegionAndNamesTheKey()
    {
        await using var api = TurtleProcess.Start("Turtle.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__AzureStorage"] = TestStorage.ConnectionString,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{TurtleProcess.FreePort()}",
            ["Notifications__DefaultRegion"] = "XX",
        });

        var exited = await api.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, $"the API kept running:{Environment.NewLine}{api.Output}");
        Assert.Contains("Notifications:DefaultRegion", api.Output, StringComparison.Ordinal);
    }
}
