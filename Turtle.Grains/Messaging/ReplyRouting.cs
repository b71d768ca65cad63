using Turtle.Grains.Appointments;

namespace Turtle.Grains.Messaging;

/// <summary>
/// Which booking a client's message belongs to (SPEC §5): the newest booking of the number whose meeting has not ended,
/// else the latest. A cancelled booking counts as ended; one replaced by a reschedule is passed over for its successor.
/// </summary>
public static class ReplyRouting
{
    /// <summary>How far back a number's bookings are looked for: a reply weeks after the last meeting still finds it.</summary>
    public static readonly TimeSpan LookBack = TimeSpan.FromDays(31);

    /// <summary>How far ahead: meetings booked further out than this are not found by a reply (see <see cref="IRecipientGrain.BookingForReplyAsync"/>).</summary>
    public static readonly TimeSpan LookAhead = TimeSpan.FromDays(92);

    public static string? Choose(IEnumerable<AppointmentView> bookings, DateTimeOffset now)
    {
        var known = bookings.Where(b => b.Status != AppointmentStatus.Unknown && b.StartTime is not null).ToList();
        var open = known.Where(b => b.Status is not (AppointmentStatus.Cancelled or AppointmentStatus.Rescheduled) && Ends(b) > now);
        var chosen = open.OrderByDescending(b => b.BookedAt ?? b.StartTime).ThenByDescending(b => b.StartTime).FirstOrDefault()
            ?? known.OrderBy(b => b.Status == AppointmentStatus.Rescheduled).ThenByDescending(b => b.StartTime).ThenByDescending(b => b.BookedAt).FirstOrDefault();
        return chosen?.Id;
    }

    private static DateTimeOffset Ends(AppointmentView booking) =>
        booking.EndTime is { } end && end > booking.StartTime ? end : booking.StartTime!.Value;
}
