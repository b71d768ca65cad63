using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Turtle.Grains.Records;

namespace Turtle.Grains.Tests.Records;

public sealed class RetentionOptionsTests
{
    [Fact]
    public void DefaultsKeepTheRecordFiveYearsAndABookingsPersonalDataHalfAYear()
    {
        using var services = Build([]);
        services.GetRequiredService<IStartupValidator>().Validate();

        var options = services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        Assert.Equal(TimeSpan.FromDays(1826), options.RetentionPeriod);
        Assert.Equal(TimeSpan.FromDays(180), options.BookingRetention);
    }

    [Theory]
    [InlineData("Records:RetentionPeriod", "00:00:00")]
    [InlineData("Records:RetentionPeriod", "-1.00:00:00")]
    [InlineData("Records:BookingRetention", "12:00:00")]
    public void APeriodUnderADayStopsTheStartNamingTheKey(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(key + " must be at least 1.00:00:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueThatIsNoTimeSpanStopsTheStartNamingTheKey()
    {
        using var services = Build(new() { ["Records:BookingRetention"] = "six months" });

        var error = Assert.ThrowsAny<InvalidOperationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Records:BookingRetention", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddRecordRetention(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
}
