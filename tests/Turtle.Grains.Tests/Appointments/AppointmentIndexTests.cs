namespace Turtle.Grains.Tests.Appointments;

public class AppointmentIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 23, 30, 0, TimeSpan.FromHours(-5));

    [Fact]
    public void KeyIsTheMeetingsUtcDayAndAShardListedAmongThatDaysKeys()
    {
        var key = AppointmentIndex.Key(Start, "9b1c2e4f-0d3a-4c5b-8e7f-112233445566");

        Assert.StartsWith("2026-12-02/", key, StringComparison.Ordinal);
        Assert.Contains(key, AppointmentIndex.DayKeys(Start));
        Assert.Equal(AppointmentIndex.ShardsPerDay, AppointmentIndex.DayKeys(Start).Distinct().Count());
    }

    [Fact]
    public void ShardIsTheSameInEveryProcessAndBookingsSpreadOverAllShards()
    {
        // A fixed value: a per-process string hash would move bookings between shards on every restart.
        Assert.Equal("2026-12-02/03", AppointmentIndex.Key(Start, "9b1c2e4f-0d3a-4c5b-8e7f-112233445566"));

        var perShard = Enumerable.Range(0, 1600).Select(_ => AppointmentIndex.Key(Start, Guid.NewGuid().ToString()))
            .GroupBy(k => k).Select(g => g.Count()).ToList();
        Assert.Equal(AppointmentIndex.ShardsPerDay, perShard.Count);
        Assert.All(perShard, n => Assert.InRange(n, 40, 180));
    }
}
