using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Appointments.Index;

namespace Turtle.Grains.Records;

[GenerateSerializer, Alias("Turtle.RetentionState")]
public sealed class RetentionState
{
    /// <summary>The last append day whose record entries are all deleted.</summary>
    [Id(0)] public DateOnly? RecordsSweptThrough { get; set; }
    /// <summary>The last meeting day (UTC) whose bookings all hold no personal data.</summary>
    [Id(1)] public DateOnly? BookingsSweptThrough { get; set; }
}

/// <summary>
/// Runs the retention sweep on a daily reminder. Each day swept is written as the cursor before the next begins, so a
/// silo that dies midway leaves its successor the day it was on: deleting a day's entries again finds only what is left,
/// and removing a booking's personal data again changes nothing. Only indexes are read: the record's day lists and the
/// bookings' index by meeting day, never a whole table.
/// </summary>
public sealed partial class RetentionGrain(
    [PersistentState("retention", TurtleStorage.Appointments)] IPersistentState<RetentionState> state,
    RecordTable table,
    IOptions<RetentionOptions> options,
    TurtleClock time,
    ILogger<RetentionGrain> logger) : Grain, IRetentionGrain, IRemindable
{
    public const string ReminderName = "retention-daily";

    /// <summary>A booking's meeting lies within its UTC start day and the next; a day is swept once both have passed.</summary>
    private const int MeetingDaySpan = 2;

    /// <summary>Where a first booking sweep begins, before the first day due: bookings older than this are not looked for.</summary>
    private const int FirstBookingCatchUpDays = 366;

    /// <summary>The first sweep after the reminder is first armed: not while a fresh cluster is busy starting.</summary>
    private static readonly TimeSpan FirstTick = TimeSpan.FromHours(1);

    /// <summary>Bookings handled at once.</summary>
    private const int Concurrency = 16;

    private Task<RetentionSweep>? _running;

    public async Task ScheduleAsync()
    {
        if (await this.GetReminder(ReminderName) is null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, FirstTick, TimeSpan.FromDays(1));
            LogScheduled(logger);
        }
    }

    public Task<RetentionSweep> SweepAsync(DateTimeOffset asOf, DateOnly? recordsFrom = null, DateOnly? bookingsFrom = null)
    {
        if (_running is not { IsCompleted: false })
        {
            _running = RunAsync(asOf, recordsFrom, bookingsFrom);
        }
        return _running;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            // The tick does not wait for the sweep, which may outlast a call's timeout.
            _ = SweepAsync(time.GetUtcNow());
        }
        return Task.CompletedTask;
    }

    private async Task<RetentionSweep> RunAsync(DateTimeOffset asOf, DateOnly? recordsFrom, DateOnly? bookingsFrom)
    {
        DelayDeactivation(TimeSpan.FromHours(6));
        try
        {
            var records = await SweepRecordsAsync(asOf, recordsFrom);
            var bookings = await SweepBookingsAsync(asOf, bookingsFrom);
            var result = records with { BookingsSweptThrough = state.State.BookingsSweptThrough, BookingDays = bookings.Days, Bookings = bookings.Bookings };
            LogSwept(logger, result.RecordDays, result.RecordClients, result.RecordTransactions, result.BookingDays, result.Bookings);
            return result;
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
            throw;
        }
        finally
        {
            DelayDeactivation(TimeSpan.FromTicks(-1));
        }
    }

    private async Task<RetentionSweep> SweepRecordsAsync(DateTimeOffset asOf, DateOnly? startFrom)
    {
        var last = RecordRetention.LastExpiredDay(asOf, options.Value.RetentionPeriod);
        var sweeper = new RecordRetention(table);
        var (days, clients, transactions) = (0, 0, 0);
        var next = state.State.RecordsSweptThrough?.AddDays(1) ?? startFrom ?? DateOnly.MinValue;
        while (next <= last)
        {
            // Days with nothing appended are skipped in one query, whatever the gap.
            if (await table.FirstDayAsync(next) is not { } day || day > last)
            {
                break;
            }
            var (swept, made) = await sweeper.SweepDayAsync(day);
            (days, clients, transactions) = (days + 1, clients + swept, transactions + made);
            await SaveAsync(() => state.State.RecordsSweptThrough = day);
            next = day.AddDays(1);
        }
        if (state.State.RecordsSweptThrough is null || state.State.RecordsSweptThrough < last)
        {
            await SaveAsync(() => state.State.RecordsSweptThrough = last);
        }
        return new RetentionSweep { RecordsSweptThrough = last, RecordDays = days, RecordClients = clients, RecordTransactions = transactions };
    }

    private async Task<(int Days, int Bookings)> SweepBookingsAsync(DateTimeOffset asOf, DateOnly? startFrom)
    {
        var endedBefore = asOf - options.Value.BookingRetention;
        var last = DateOnly.FromDateTime(endedBefore.UtcDateTime).AddDays(-MeetingDaySpan);
        var (days, bookings) = (0, 0);
        for (var day = state.State.BookingsSweptThrough?.AddDays(1) ?? startFrom ?? last.AddDays(-FirstBookingCatchUpDays); day <= last; day = day.AddDays(1))
        {
            var (done, count) = await SweepBookingDayAsync(day, endedBefore);
            bookings += count;
            if (!done)
            {
                // A booking not ready yet (its record entries still on their way): this day is swept again next time.
                LogBookingDayPending(logger, day);
                break;
            }
            days++;
            var swept = day;
            await SaveAsync(() => state.State.BookingsSweptThrough = swept);
        }
        return (days, bookings);
    }

    private async Task<(bool Done, int Bookings)> SweepBookingDayAsync(DateOnly day, DateTimeOffset endedBefore)
    {
        var shards = AppointmentIndex.DayKeys(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))
            .Select(key => GrainFactory.GetGrain<IAppointmentIndexGrain>(key)).ToList();
        var listed = await Task.WhenAll(shards.Select(s => s.ListAsync()));
        var done = true;
        var count = 0;
        foreach (var batch in listed.SelectMany(l => l).Chunk(Concurrency))
        {
            var removed = await Task.WhenAll(batch.Select(b => GrainFactory.GetGrain<IAppointmentGrain>(b.AppointmentId).RemovePersonalDataAsync(endedBefore)));
            done &= removed.All(r => r);
            count += removed.Count(r => r);
        }
        if (done)
        {
            await Task.WhenAll(shards.Select(s => s.ForgetPhonesAsync()));
        }
        return (done, count);
    }

    private async Task SaveAsync(Action change)
    {
        change();
        await state.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention sweep armed: daily")]
    private static partial void LogScheduled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention sweep: {Days} day(s) of the record ({Clients} client-days, {Transactions} transactions), {BookingDays} day(s) of bookings ({Bookings} bookings)")]
    private static partial void LogSwept(ILogger logger, int days, int clients, int transactions, int bookingDays, int bookings);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention sweep: bookings of {Day} not all ready; that day is swept again next time")]
    private static partial void LogBookingDayPending(ILogger logger, DateOnly day);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention sweep failed; the next one resumes where it stopped")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
