using Orleans.Concurrency;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Advisors;

/// <summary>
/// A firm's day of meetings by advisor, for the agendas: read from the per-day booking index (never a scan) once per
/// <see cref="Freshness"/>, however many advisors' agendas ask at their common time. Memory only: it is a view.
/// Reentrant: callers arriving while the day is read share that read.
/// </summary>
[Reentrant]
public sealed class DayMeetingsGrain(AgendaSchedule schedule, TurtleClock time) : Grain, IDayMeetingsGrain
{
    /// <summary>How old a reading may be: the agendas of one morning share it; a later retry reads the day again.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(15);

    private Task<ILookup<string, AgendaMeeting>>? _reading;
    private long _readAt;

    public async Task<IReadOnlyList<AgendaMeeting>> ForAdvisorAsync(string advisorEmail)
    {
        if (_reading is null || (_reading.IsCompleted && time.GetElapsedTime(_readAt) > Freshness))
        {
            _readAt = time.GetTimestamp();
            _reading = ReadAsync();
        }
        var reading = _reading;
        try
        {
            return [.. (await reading)[AdvisorAssignmentRules.NormalizeEmail(advisorEmail)].OrderBy(m => m.Start)];
        }
        catch
        {
            // A failed reading is not kept: the next agenda reads the day again.
            if (_reading == reading)
            {
                _reading = null;
            }
            throw;
        }
    }

    private async Task<ILookup<string, AgendaMeeting>> ReadAsync()
    {
        var (from, to) = schedule.Window(AgendaKey.ParseDay(this.GetPrimaryKeyString()));
        var bookings = await GrainFactory.GetGrain<IAppointmentQueryGrain>(0).ListAsync(from, to);
        // As the bookings stand now: a cancelled or moved one (its new invitee is a booking of its own) is no meeting.
        return bookings
            .Where(b => b.AdvisorEmail is not null && b.StartTime is not null && b.Status is AppointmentStatus.Booked or AppointmentStatus.NoPhone)
            .ToLookup(b => AdvisorAssignmentRules.NormalizeEmail(b.AdvisorEmail!), b => new AgendaMeeting(b.Id, b.StartTime!.Value, b.ClientName ?? ""));
    }
}
