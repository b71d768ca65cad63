using Turtle.Grains.Appointments.Index;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Appointments;

/// <summary>Where a booking stands in its day's index, as far as this activation knows.</summary>
public enum Listed
{
    /// <summary>Listed, and the index has stored the entry (or this activation had nothing to list).</summary>
    Stored,
    /// <summary>A booking or a cancel is being stored and is not listed yet: the call's retry lists it.</summary>
    NotYet,
    /// <summary>Listed, but the index holds the entry in memory only, as it answered: a silo's death could lose it.</summary>
    InIndexMemory,
}

/// <summary>
/// A booking's entry in the per-day index (<see cref="AppointmentIndex"/>): listed under its meeting's day, with when it
/// next means to wake, so the watchdog's sweep can wake it should its reminder tick be lost. Told only when that changes.
/// Until the index has stored the entry the booking wakes within a reminder period to list itself again.
/// </summary>
public sealed class BookingListing(IGrainFactory grains, Func<string> appointmentId, WakePolicy policy)
{
    private bool _told;
    private DateTimeOffset? _toldWake;

    public Listed State { get; private set; }

    /// <summary>The booking must wake within a reminder period to list itself again.</summary>
    public bool NeedsAnotherTry => State != Listed.Stored;

    /// <summary>A booking or a cancel is about to be stored: it is listed once stored.</summary>
    public void Expect() => State = Listed.NotYet;

    /// <summary>
    /// Lists the booking with its client's number, then tells when it next wakes; cheap and repeatable, so every wake-up
    /// repairs a lost add.
    /// </summary>
    public async Task ListAsync(BookingDetails? booking, IEnumerable<Notification> notifications)
    {
        var listed = State == Listed.NotYet ? Listed.Stored : State;
        if (booking is not null)
        {
            // An erased client's booking keeps no name (empty, as Calendly's required field cannot be null).
            var name = string.IsNullOrEmpty(booking.ClientName) ? null : booking.ClientName;
            listed = await Shard(booking).AddAsync(appointmentId(), booking.StartTime, booking.Phone, name, booking.ClientEmail) ? Listed.Stored : Listed.InIndexMemory;
        }
        await ExpectWakeAsync(booking, notifications);
        State = listed;
    }

    /// <summary>Tells the index when the booking next wakes (none: nothing left to send), unless it was told so already.</summary>
    public async Task ExpectWakeAsync(BookingDetails? booking, IEnumerable<Notification> notifications)
    {
        var wake = policy.NextWake(notifications);
        if (booking is null || (_told && wake == _toldWake))
        {
            return;
        }
        await Shard(booking).ExpectWakeAsync(appointmentId(), booking.StartTime, wake);
        (_told, _toldWake) = (true, wake);
    }

    private IAppointmentIndexGrain Shard(BookingDetails booking) =>
        grains.GetGrain<IAppointmentIndexGrain>(AppointmentIndex.Key(booking.StartTime, appointmentId()));
}
