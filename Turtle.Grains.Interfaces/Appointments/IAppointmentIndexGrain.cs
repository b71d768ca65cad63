namespace Turtle.Grains.Appointments;

/// <summary>
/// One shard of the bookings whose meeting starts on one UTC day (key <c>yyyy-MM-dd/NN</c>, see
/// <see cref="AppointmentIndex"/>), so the API can list a window without scanning storage.
/// </summary>
public interface IAppointmentIndexGrain : IGrainWithStringKey
{
    /// <summary>Records a booking; repeating it changes nothing.</summary>
    Task AddAsync(string appointmentId, DateTimeOffset start);

    [AlwaysInterleave]
    Task<IReadOnlyList<IndexedAppointment>> ListAsync();
}

[GenerateSerializer, Immutable, Alias("Turtle.IndexedAppointment")]
public sealed record IndexedAppointment([property: Id(0)] string AppointmentId, [property: Id(1)] DateTimeOffset Start);

public static class AppointmentIndex
{
    /// <summary>
    /// Shards per day: a shard is one storage row (about 1 MB, some 20,000 bookings), so a day holds sixteen times
    /// that, and a burst of bookings for one day is spread over as many grains.
    /// </summary>
    public const int ShardsPerDay = 16;

    /// <summary>The index grain of a booking: its meeting's UTC day and a shard chosen by its id.</summary>
    public static string Key(DateTimeOffset start, string appointmentId) => $"{Day(start)}/{Shard(appointmentId):00}";

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
