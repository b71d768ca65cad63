namespace Turtle.Grains.Tests.Appointments;

public class WatchdogPaceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly NotificationOptions _options = new();

    [Fact]
    public void SweepsAtTheNormalPaceUntilSomethingHappens()
    {
        var pace = new WatchdogPace(_options);

        Assert.False(pace.Recovering(Start));
        Assert.Equal(TimeSpan.FromMinutes(1), pace.Interval(Start));
        Assert.Equal(TimeSpan.FromMinutes(2), pace.Grace(Start));
    }

    [Fact]
    public void SweepsEveryFewSecondsForTheRecoveryWindowThenGoesBack()
    {
        var pace = new WatchdogPace(_options);

        pace.Recover(Start);

        Assert.Equal(TimeSpan.FromSeconds(3), pace.Interval(Start));
        Assert.Equal(TimeSpan.FromSeconds(5), pace.Grace(Start));
        Assert.Equal(TimeSpan.FromSeconds(3), pace.Interval(Start + TimeSpan.FromSeconds(59)));
        Assert.Equal(TimeSpan.FromMinutes(1), pace.Interval(Start + TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromMinutes(2), pace.Grace(Start + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void ASecondDeathLengthensTheWindowAndAnEarlierOneNeverShortensIt()
    {
        var pace = new WatchdogPace(_options);

        pace.Recover(Start);
        pace.Recover(Start + TimeSpan.FromSeconds(40));
        pace.Recover(Start + TimeSpan.FromSeconds(10));

        Assert.True(pace.Recovering(Start + TimeSpan.FromSeconds(99)));
        Assert.False(pace.Recovering(Start + TimeSpan.FromSeconds(100)));
    }

    [Fact]
    public void RecoveryNeverSweepsLessOftenOrWaitsLongerThanTheNormalPace()
    {
        var options = new NotificationOptions { WatchdogInterval = TimeSpan.FromSeconds(2), WatchdogGrace = TimeSpan.FromSeconds(4) };
        var pace = new WatchdogPace(options);

        pace.Recover(Start);

        Assert.Equal(TimeSpan.FromSeconds(2), pace.Interval(Start));
        Assert.Equal(TimeSpan.FromSeconds(4), pace.Grace(Start));
    }
}
