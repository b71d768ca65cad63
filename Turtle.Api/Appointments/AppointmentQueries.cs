using Turtle.Grains.Appointments;

namespace Turtle.Api.Appointments;

/// <summary>
/// Bookings as the admin API and the console read them: one by id, or every booking of a meeting window. Both callers
/// go through here, so what a page costs the cluster is decided in one place.
/// </summary>
public sealed class AppointmentQueries(IClusterClient cluster)
{
    /// <summary>The longest window <see cref="ListAsync"/> reads.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);

    /// <summary>Whether <paramref name="id"/> can be a booking's id (a Calendly invitee id).</summary>
    public static bool IsInviteeId(string? id) => InviteeId.IsValid(id);

    /// <summary>The booking, or null when nothing was ever stored under this id.</summary>
    public Task<AppointmentView?> GetAsync(string id) => cluster.GetGrain<IAppointmentGrain>(InviteeId.Normalize(id)).GetAsync();

    /// <summary>
    /// Bookings whose meeting starts in [<paramref name="from"/>, <paramref name="to"/>), by start time: one call to the
    /// query grain, which asks the window's index shards and then every booking in parallel on its silo, so a week of
    /// 1,000 bookings is one round trip from here, never 1,000 calls one after another.
    /// </summary>
    public Task<IReadOnlyList<AppointmentView>> ListAsync(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from || to - from > MaxWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(to), $"the window must end after it starts and span at most {MaxWindow.TotalDays:0} days");
        }
        return cluster.GetGrain<IAppointmentQueryGrain>(0).ListAsync(from, to);
    }
}
