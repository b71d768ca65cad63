using System.Globalization;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Tests.Cluster;

/// <summary>Bookings as the API hands them to the grain, each with its own invitee and phone number.</summary>
public static class Bookings
{
    public static BookingDetails New(TimeSpan startIn, string? hostEmail = TurtleClusterFixture.AdvisorEmail, string? oldInviteeId = null, bool phone = true)
    {
        var id = Guid.NewGuid().ToString();
        var start = DateTimeOffset.UtcNow + startIn;
        return new BookingDetails
        {
            InviteeId = id,
            InviteeUri = $"https://api.calendly.com/scheduled_events/EV1/invitees/{id}",
            EventUri = "https://api.calendly.com/scheduled_events/EV1",
            ClientName = "Asha Rao",
            ClientEmail = "asha.rao@example.com",
            Phone = phone ? NewPhone() : null,
            TimeZone = "Asia/Kolkata",
            EventName = "Financial planning consultation",
            StartTime = start,
            EndTime = start + TimeSpan.FromMinutes(30),
            JoinUrl = "https://meet.google.com/abc-defg-hij",
            CancelUrl = $"https://calendly.com/cancellations/{id}",
            RescheduleUrl = $"https://calendly.com/reschedulings/{id}",
            HostEmails = hostEmail is null ? [] : [hostEmail],
            OldInviteeUri = oldInviteeId is null ? null : $"https://api.calendly.com/scheduled_events/EV0/invitees/{oldInviteeId}",
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    public static CancellationDetails Cancel(BookingDetails booking, bool rescheduled = false) => new()
    {
        Booking = booking,
        Rescheduled = rescheduled,
        Reason = rescheduled ? null : "Something came up",
        CanceledAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The callback data a message for this booking carries: how the fake's requests are told apart.</summary>
    public static string Tag(BookingDetails booking, NotificationKind kind) => $"{booking.InviteeId}:{kind}";

    private static string NewPhone() =>
        "+9198" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
}
