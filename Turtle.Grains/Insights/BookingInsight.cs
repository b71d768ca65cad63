using Microsoft.Extensions.Logging;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Insights;

/// <summary>
/// Tells a booking's day of insight (<see cref="IInsightDayGrain"/>) its tally a moment after a write changed it, off the
/// path of the caller who caused the write (Calendly's webhook never waits on it, and no write is added to it). What the
/// day last said it stored is kept in the booking's state with its next write; until the day has stored the tally the
/// booking keeps waking (its reminder stays), so a tally lost with a silo is told again, and telling it twice counts it once.
/// Telling never holds the booking's turn: its calls go on while the day answers.
/// </summary>
public sealed partial class BookingInsight(IGrainBase grain, IGrainFactory grains, Func<string> appointmentId, Func<AppointmentState> state, FirmCalendar firm, ILogger logger)
{
    /// <summary>After a write: long enough that the write's caller has its answer.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>The day held the tally in memory only, or could not be reached: told again after this (past its own write delay).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(7);

    private IGrainTimer? _timer;

    /// <summary>The day has not stored the booking's current tally, as far as the booking knows.</summary>
    public bool Owed => BookingTallies.Of(state()) is { } tally && tally.Signature() != state().InsightTold;

    /// <summary>Tells the day shortly, when its tally changed (a grain timer: if the activation goes, its reminder tells it instead).</summary>
    public void Schedule(TimeSpan? delay = null)
    {
        if (!Owed)
        {
            return;
        }
        var due = delay ?? Delay;
        if (_timer is null)
        {
            _timer = grain.RegisterGrainTimer(_ => TellAsync(), new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    public async Task TellAsync()
    {
        var booking = state();
        if (BookingTallies.Of(booking) is not { } tally || booking.Details is not { } details)
        {
            return;
        }
        var signature = tally.Signature();
        if (signature == booking.InsightTold)
        {
            return;
        }
        bool stored;
        try
        {
            stored = await grains.GetGrain<IInsightDayGrain>(BookingTallies.DayKey(firm, details.StartTime))
                .TallyAsync(appointmentId(), tally);
        }
        catch (Exception e) when (e is not (ArgumentException or NullReferenceException or InvalidCastException))
        {
            LogNotTold(logger, appointmentId(), e.Message);
            stored = false;
        }
        if (stored)
        {
            booking.InsightTold = signature;
            // A change made while the day was being told is told in turn.
            Schedule();
        }
        else
        {
            Schedule(RetryDelay);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Holder}: its day of insight could not be told ({Error}); telling it again shortly")]
    private static partial void LogNotTold(ILogger logger, string holder, string error);
}
