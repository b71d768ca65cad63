namespace Turtle.Grains.Appointments;

/// <summary>
/// The bookings whose meeting starts on one UTC day (key <c>yyyy-MM-dd</c>), so the API can list a window
/// without scanning storage.
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
    /// <summary>The index grain key for a meeting start: its UTC day.</summary>
    public static string DayKey(DateTimeOffset start) => start.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
