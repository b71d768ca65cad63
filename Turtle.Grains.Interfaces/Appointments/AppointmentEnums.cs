namespace Turtle.Grains.Appointments;

[GenerateSerializer, Alias("Turtle.NotificationKind")]
public enum NotificationKind
{
    Confirmation = 0,
    Rescheduled = 1,
    AdvisorBio = 2,
    Reminder = 3,
    Cancellation = 4,
    /// <summary>Asks whether the client will attend, with quick-reply buttons (<see cref="AttendanceButton"/>).</summary>
    Reconfirm = 5,
    /// <summary>Sent at once when the client declines: how to book another time.</summary>
    RescheduleOffer = 6,
    /// <summary>A thank-you after the meeting.</summary>
    FollowUp = 7,
    /// <summary>A re-book invitation when Calendly marks the client a no-show.</summary>
    NoShow = 8,
    /// <summary>To the assigned advisor: a booking is theirs, with the client's answers to the booking questions.</summary>
    AdvisorBooked = 9,
    /// <summary>To the assigned advisor: the booking is cancelled (not for half of a reschedule).</summary>
    AdvisorCancelled = 10,
    /// <summary>To the assigned advisor: the client said they will not attend.</summary>
    AdvisorDeclined = 11,
    /// <summary>To an advisor, once a day at <c>Notifications:AgendaTime</c>: that day's meetings.</summary>
    AdvisorAgenda = 12,
}

[GenerateSerializer, Alias("Turtle.NotificationState")]
public enum NotificationState
{
    Pending = 0,
    /// <summary>Claimed by an activation and persisted before the request goes out.</summary>
    Sending = 1,
    Sent = 2,
    Failed = 3,
    Skipped = 4,
    Cancelled = 5,
    /// <summary>Recorded in the outbox instead of sent: no WhatsApp access token is configured.</summary>
    DryRun = 6,
    /// <summary>Not sent: the number opted out with STOP.</summary>
    OptedOut = 7,
}

[GenerateSerializer, Alias("Turtle.DeliveryStatus")]
public enum DeliveryStatus
{
    None = 0,
    Sent = 1,
    Delivered = 2,
    Read = 3,
    Failed = 4,
}

[GenerateSerializer, Alias("Turtle.AppointmentStatus")]
public enum AppointmentStatus
{
    /// <summary>No booking event has reached this key.</summary>
    Unknown = 0,
    Booked = 1,
    Cancelled = 2,
    /// <summary>Cancelled because the invitee picked another time; the new invitee carries on.</summary>
    Rescheduled = 3,
    /// <summary>Stored, but no usable phone number: nothing is sent.</summary>
    NoPhone = 4,
    /// <summary>Stored, but no active advisor could be assigned.</summary>
    NoAdvisor = 5,
}

/// <summary>Whether the client is coming (SPEC §4, §5): their answer to Reconfirm, or Calendly's no-show mark.</summary>
[GenerateSerializer, Alias("Turtle.Attendance")]
public enum Attendance
{
    Unknown = 0,
    Confirmed = 1,
    Declined = 2,
    NoShow = 3,
}
