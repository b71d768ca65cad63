namespace Turtle.Grains.Appointments.Index;

/// <summary>How the per-day index is sharded: known to the grains only.</summary>
public static class AppointmentIndex
{
    /// <summary>
    /// Shards per day: a shard is one storage row (about 1 MB, some 20,000 bookings), so a day holds sixteen times
    /// that, and a burst of bookings for one day is spread over as many grains.
    /// </summary>
    public const int ShardsPerDay = 16;

    /// <summary>The index grain of a booking: its meeting's UTC day and a shard chosen by its id.</summary>
    public static string Key(DateTimeOffset start, string appointmentId) => $"{Day(start)}/{Shard(appointmentId):00}";

    /// <summary>Every index grain of the UTC days that [<paramref name="from"/>, <paramref name="to"/>) touches.</summary>
    public static IEnumerable<string> KeysOf(DateTimeOffset from, DateTimeOffset to)
    {
        for (var day = from.UtcDateTime.Date; day < to.UtcDateTime; day = day.AddDays(1))
        {
            foreach (var key in DayKeys(new DateTimeOffset(day, TimeSpan.Zero)))
            {
                yield return key;
            }
        }
    }

    /// <summary>Every index grain of the UTC day of <paramref name="day"/>.</summary>
    public static IEnumerable<string> DayKeys(DateTimeOffset day) => Enumerable.Range(0, ShardsPerDay).Select(shard => $"{Day(day)}/{shard:00}");

    private static string Day(DateTimeOffset start) => start.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>FNV-1a of the id: the same shard in every process (string.GetHashCode is not).</summary>
    private static int Shard(string appointmentId)
    {
        var hash = 2166136261u;
        foreach (var c in appointmentId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % ShardsPerDay);
    }
}
