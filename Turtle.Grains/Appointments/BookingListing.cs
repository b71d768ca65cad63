using Turtle.Grains.Appointments.Index;
using Turtle.Grains.Delivery;
namespace Turtle.Grains.Appointments;

/// <summary>
/// A booking's entry in the per-day index (<see cref="AppointmentIndex"/>): listed under its meeting's day, with when it
/// next means to wake, so the watchdog's sweep can wake it should its reminder tick be lost. Told only when that changes.
/// </summary>
public sealed class BookingListing(IGrainFactory grains, string appointmentId, MessageRules rules)
{
    private bool _told;
    private DateTimeOffset? _toldWake;

    /// <summary>
    /// This activation listed the booking and the index holds the entry in memory only, as it answered: a silo's death
    /// could lose it, so the booking wakes again soon to list itself once more until the index says it is stored.
    /// </summary>
    public bool Unconfirmed { get; private set; }

    /// <summary>Lists the booking with its client's number; cheap and repeatable, so every wake-up repairs a lost add.</summary>
    public async Task AddAsync(BookingDetails? booking)
    {
        if (booking is not null)
        {
            Unconfirmed = !await Shard(booking).AddAsync(appointmentId, booking.StartTime, booking.Phone);
        }
    }

    /// <summary>Tells the index when the booking next wakes (none: nothing left to send), unless it was told so already.</summary>
    public async Task ExpectWakeAsync(BookingDetails? booking, IEnumerable<Notification> notifications)
    {
        var wake = rules.NextWake(notifications);
        if (booking is null || (_told && wake == _toldWake))
        {
            return;
        }
        await Shard(booking).ExpectWakeAsync(appointmentId, booking.StartTime, wake);
        (_told, _toldWake) = (true, wake);
    }

    private IAppointmentIndexGrain Shard(BookingDetails booking) =>
        grains.GetGrain<IAppointmentIndexGrain>(AppointmentIndex.Key(booking.StartTime, appointmentId));
}
