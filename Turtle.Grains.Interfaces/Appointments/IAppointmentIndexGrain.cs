namespace Turtle.Grains.Appointments;

/// <summary>
/// One shard of the bookings whose meeting starts on one UTC day (how the days are sharded is the grains' business:
/// ask <see cref="IAppointmentQueryGrain"/>), so bookings can be listed by time without scanning storage.
/// </summary>
public interface IAppointmentIndexGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a booking and its client's number (E.164, null when it has none), name and e-mail (what the console's search
    /// finds; null once erased); repeating it changes nothing. True when
    /// the entry, as given, is stored; false while it is held in memory only (a silo's death would lose it: add it again
    /// later). Interleaves: a sweep may be waiting on the booking calling.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> AddAsync(string appointmentId, DateTimeOffset start, string? phone, string? name, string? email);

    /// <summary>The bookings of this shard whose client's name or e-mail contains <paramref name="text"/> (any case), at most <paramref name="max"/>.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<IndexedClient>> SearchAsync(string text, int max);

    /// <summary>The bookings of this shard whose client has the number <paramref name="phone"/>.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> FindByPhoneAsync(string phone);

    /// <summary>
    /// Records a booking and when it next means to wake (null: nothing left to send), so a sweep can wake it should its
    /// reminder be lost. Interleaves, as <see cref="AddAsync"/>.
    /// </summary>
    [AlwaysInterleave]
    Task ExpectWakeAsync(string appointmentId, DateTimeOffset start, DateTimeOffset? wakeAt);

    /// <summary>
    /// Wakes the bookings of this shard that meant to wake more than <paramref name="grace"/> before
    /// <paramref name="now"/> and have not said since (their reminder tick was lost), at most <paramref name="max"/>; a
    /// shard swept moments ago by another silo sweeps nothing. How many of them had a message due.
    /// </summary>
    Task<int> SweepAsync(DateTimeOffset now, TimeSpan grace, int max);

    [AlwaysInterleave]
    Task<IReadOnlyList<IndexedAppointment>> ListAsync();

    /// <summary>Forgets the clients' numbers of this shard, durably (the retention sweep, once its bookings kept none).</summary>
    Task ForgetPhonesAsync();
}

[GenerateSerializer, Immutable, Alias("Turtle.IndexedAppointment")]
public sealed record IndexedAppointment([property: Id(0)] string AppointmentId, [property: Id(1)] DateTimeOffset Start);

/// <summary>A booking's client as the day index knows them: what the console's search shows and links.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.IndexedClient")]
public sealed record IndexedClient(
    [property: Id(0)] string AppointmentId,
    [property: Id(1)] DateTimeOffset Start,
    [property: Id(2)] string? Phone,
    [property: Id(3)] string? Name,
    [property: Id(4)] string? Email);

/// <summary>Questions about many bookings at once, answered from the per-day index (key 0; a stateless worker on every silo).</summary>
public interface IAppointmentQueryGrain : IGrainWithIntegerKey
{
    /// <summary>Bookings whose meeting starts in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>), by start time.</summary>
    Task<IReadOnlyList<AppointmentView>> ListAsync(DateTimeOffset windowStart, DateTimeOffset windowEnd);

    /// <summary>The ids of the bookings whose client has the number <paramref name="phone"/>, on the UTC days the window touches.</summary>
    Task<IReadOnlyList<string>> FindByPhoneAsync(string phone, DateTimeOffset windowStart, DateTimeOffset windowEnd);

    /// <summary>Bookings whose meeting starts on the UTC days the window touches and whose client's name or e-mail contains <paramref name="text"/>, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<IndexedClient>> SearchClientsAsync(string text, DateTimeOffset windowStart, DateTimeOffset windowEnd, int max);
}
