using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Turtle.Grains.Advisors;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Appointments;

/// <summary>
/// One booking. Its plan lives in its own state; one durable reminder points at the next message due
/// (capped, re-armed on every wake-up), and a grain timer handles waits shorter than the reminder period.
/// A stored booking claims every send in storage first, so a second activation holding a stale copy cannot
/// send it too. The first message of a new booking goes out before its first write instead: until that write
/// the webhook has no answer, so Calendly's retry, not a stored claim, covers a crash in between.
/// </summary>
public sealed partial class AppointmentGrain(
    [PersistentState("appointment", TurtleStorage.Appointments)] IPersistentState<AppointmentState> state,
    NotificationSchedule schedule,
    IWhatsAppSender sender,
    ILogger<AppointmentGrain> logger) : Grain, IAppointmentGrain, IRemindable
{
    public const string ReminderName = "notifications";

    private static readonly TimeSpan UnsavedRetryDelay = TimeSpan.FromSeconds(5);

    private IGrainTimer? _timer;
    /// <summary>The first message went out but the booking's first write failed: this memory is the only record of it.</summary>
    private bool _unsaved;
    /// <summary>When the recipient's next send slot opens, as its grain last said.</summary>
    private DateTimeOffset _recipientFreeAt;
    /// <summary>When this activation last armed the reminder to tick; null when unknown or disarmed.</summary>
    private DateTimeOffset? _armedFor;

    private enum Gate { Open, Wait, Closed }

    private string Id => this.GetPrimaryKeyString();
    private AppointmentState Booking => state.State;
    private IAdvisorLookupGrain Advisors => GrainFactory.GetGrain<IAdvisorLookupGrain>(0);

    public async Task<BookingResult> BookAsync(BookingDetails booking)
    {
        if (Booking.Status != AppointmentStatus.Unknown)
        {
            if (_unsaved)
            {
                // The webhook's retry: record what was sent before answering it.
                await SaveAsync();
            }
            return new(Booking.Status, Changed: false);
        }

        var assignment = await Advisors.AssignAsync(new AssignmentRequest
        {
            AppointmentId = Id,
            HostEmails = booking.HostEmails,
            HostUserUris = booking.HostUserUris,
            StartTime = booking.StartTime,
        });
        Booking.Booking = booking;
        Booking.Advisor = assignment.Advisor;
        Booking.Status = booking.Phone is null ? AppointmentStatus.NoPhone
            : assignment.Advisor is null ? AppointmentStatus.NoAdvisor
            : AppointmentStatus.Booked;
        Booking.Notifications = schedule.Plan(booking, canSend: booking.Phone is not null);
        if (schedule.NextDue(Booking.Notifications) is { } first && await GateAsync(first, booking) == Gate.Open)
        {
            // Sent before the first write, so that write records the result: two storage writes per booking, not four.
            schedule.Claim(first);
            await SendAsync(first, booking);
            _unsaved = true;
        }

        await SaveAsync();
        await IndexAsync();
        var maskedPhone = PhoneMask.Mask(booking.Phone);
        LogBooked(logger, Id, Booking.Status, maskedPhone, booking.StartTime);
        return new(Booking.Status, Changed: true);
    }

    public async Task<BookingResult> CancelAsync(CancellationDetails cancellation)
    {
        if (Booking.Status is AppointmentStatus.Cancelled or AppointmentStatus.Rescheduled)
        {
            return new(Booking.Status, Changed: false);
        }

        var status = cancellation.Rescheduled ? AppointmentStatus.Rescheduled : AppointmentStatus.Cancelled;
        var wasBooked = Booking.Booking is not null;
        // A cancel that overtakes its create keeps the booking's details but sends nothing, now or later.
        Booking.Booking ??= cancellation.Booking;
        Booking.Status = status;
        Booking.CancelledAt = cancellation.CanceledAt;
        Booking.CancelReason = cancellation.Reason;
        foreach (var entry in Booking.Notifications.Where(n => n.State is NotificationState.Pending or NotificationState.Sending))
        {
            entry.State = NotificationState.Cancelled;
        }
        if (wasBooked && !cancellation.Rescheduled && Booking.Booking.Phone is not null && !schedule.MeetingStarted(Booking.Booking))
        {
            Booking.Notifications.Add(new Notification
            {
                Kind = NotificationKind.Cancellation,
                DueAt = schedule.Now,
                State = NotificationState.Pending,
            });
        }
        if (Booking.Advisor is { } advisor)
        {
            await Advisors.ReleaseAsync(Id, advisor.Email, Booking.Booking.StartTime);
        }

        await SaveAsync();
        WakeIn(TimeSpan.Zero);
        if (!wasBooked)
        {
            await IndexAsync();
        }
        LogCancelled(logger, Id, status);
        return new(status, Changed: true);
    }

    public async Task ApplyDeliveryStatusAsync(DeliveryStatusUpdate update)
    {
        var entry = Booking.Notifications.FirstOrDefault(n => n.MessageId == update.MessageId && n.Kind == update.Kind);
        if (entry is null || !DeliveryProgress.Advances(entry.DeliveryStatus, update.Status))
        {
            return;
        }
        entry.DeliveryStatus = update.Status;
        if (update.Status == DeliveryStatus.Failed)
        {
            entry.LastError = $"{update.ErrorCode}: {update.ErrorText}";
        }
        await WriteAsync();
    }

    public Task<AppointmentView?> GetAsync() => Task.FromResult(Booking.Status == AppointmentStatus.Unknown ? null : Booking.ToView(Id));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The tick is consumed: the reminder now next fires a period later unless re-armed.
        _armedFor = new DateTimeOffset(DateTime.SpecifyKind(status.CurrentTickTime, DateTimeKind.Utc)) + status.Period;
        await IndexAsync();
        await ProcessAsync();
    }

    /// <summary>Lists the booking under its meeting day; cheap and repeatable, so every wake-up repairs a lost add.</summary>
    private Task IndexAsync() => Booking.Booking is { } booking
        ? GrainFactory.GetGrain<IAppointmentIndexGrain>(AppointmentIndex.Key(booking.StartTime, Id)).AddAsync(Id, booking.StartTime)
        : Task.CompletedTask;

    /// <summary>Sends everything due or overdue, persisting before and after each send, then re-arms.</summary>
    private async Task ProcessAsync()
    {
        if (Booking.Booking is not { } booking)
        {
            await ArmAsync();
            return;
        }
        if (_unsaved)
        {
            try
            {
                await SaveAsync();
            }
            catch (Exception e) when (e is not InconsistentStateException)
            {
                return;
            }
        }
        DateTimeOffset? recipientBusyUntil = null;
        while (schedule.NextDue(Booking.Notifications) is { } entry)
        {
            var gate = await GateAsync(entry, booking);
            if (gate == Gate.Wait)
            {
                // Another message went to this number moments ago: wait for the slot (Meta's pair rate limit).
                recipientBusyUntil = _recipientFreeAt;
                break;
            }
            if (gate == Gate.Closed)
            {
                await WriteAsync();
                continue;
            }
            await ClaimAsync(entry);
            await SendAsync(entry, booking);
            await WriteAsync();
        }
        await ArmAsync(recipientBusyUntil);
    }

    /// <summary>Whether a due message may go now: not after the meeting starts, not to an opted-out number, not within the number's spacing.</summary>
    private async Task<Gate> GateAsync(Notification entry, BookingDetails booking)
    {
        if (schedule.MeetingStarted(booking) || booking.Phone is null)
        {
            NotificationSchedule.Skip(entry, booking.Phone is null ? "no usable phone number" : "meeting had started");
            return Gate.Closed;
        }
        var slot = await GrainFactory.GetGrain<IRecipientGrain>(booking.Phone).TryAcquireSendSlotAsync();
        if (slot.OptedOut)
        {
            entry.State = NotificationState.OptedOut;
            entry.LastError = "the number opted out (STOP)";
            return Gate.Closed;
        }
        _recipientFreeAt = slot.NotBefore;
        return slot.NotBefore > schedule.Now ? Gate.Wait : Gate.Open;
    }

    private async Task ClaimAsync(Notification entry)
    {
        schedule.Claim(entry);
        try
        {
            await WriteAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation of this booking wrote first: it owns the send. Step aside.
            LogLostClaim(logger, Id, entry.Kind);
            throw;
        }
    }

    /// <summary>Arms the reminder, then writes: a stored plan is never left without a wake-up.</summary>
    private Task SaveAsync() => WriteAsync(arm: true);

    /// <summary>
    /// Persists the state. A failed write leaves memory ahead of storage, so this activation is dropped and the
    /// next call starts again from what is stored; unless a message is out that storage does not know of yet
    /// (a new booking's first message): then memory is its only record, kept and written again shortly.
    /// A conflict means storage holds a newer copy (a lost answer to a write that landed, or another activation).
    /// </summary>
    private async Task WriteAsync(bool arm = false)
    {
        try
        {
            if (arm)
            {
                await ArmAsync();
            }
            await state.WriteStateAsync();
            _unsaved = false;
        }
        catch (Exception e) when (_unsaved && e is not InconsistentStateException)
        {
            LogUnsaved(logger, Id, e.Message);
            WakeIn(UnsavedRetryDelay);
            throw;
        }
        catch
        {
            _unsaved = false;
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Sends a claimed message and applies the outcome in memory; the caller writes it.</summary>
    private async Task SendAsync(Notification entry, BookingDetails booking)
    {
        var advisor = Booking.Advisor;
        if (entry.Kind == NotificationKind.AdvisorBio && advisor is not null)
        {
            // The sheet may have been edited since booking: the bio sent is the one there now.
            advisor = await Advisors.FindAsync(advisor.Email) ?? advisor;
        }
        SendOutcome outcome;
        try
        {
            outcome = await sender.SendAsync(new OutgoingMessage(Id, entry.Kind, booking, advisor), CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            outcome = new SendOutcome(SendResult.Transient, ErrorText: e.Message);
        }
        schedule.Apply(entry, outcome, booking);
        LogSent(logger, Id, entry.Kind, entry.State, entry.Attempts, entry.LastError);
    }

    /// <summary>Points the durable reminder at the next wake-up, or removes it when nothing is left.</summary>
    private async Task ArmAsync(DateTimeOffset? notBefore = null)
    {
        var plan = schedule.PlanWake(Booking.Notifications, notBefore, _armedFor);
        if (plan.TimerIn is { } soon)
        {
            // Too soon for a reminder to be exact: a timer wakes this activation, the reminder backs it up.
            WakeIn(soon);
        }
        if (plan.Disarm)
        {
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            _armedFor = null;
        }
        else if (plan.ReminderDue is { } due)
        {
            await this.RegisterOrUpdateReminder(ReminderName, due, schedule.ReminderPeriod);
            _armedFor = schedule.Now + due;
        }
    }

    private void WakeIn(TimeSpan dueTime)
    {
        dueTime = dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime;
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(_ => ProcessAsync(), new GrainTimerCreationOptions(dueTime, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} booked: {Status}, phone {Phone}, meeting at {Start}")]
    private static partial void LogBooked(ILogger logger, string id, AppointmentStatus status, string phone, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} cancelled: {Status}")]
    private static partial void LogCancelled(ILogger logger, string id, AppointmentStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id} {Kind}: {State} after {Attempts} attempt(s) {Error}")]
    private static partial void LogSent(ILogger logger, string id, NotificationKind kind, NotificationState state, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id}: its first message was sent but the booking is not stored yet ({Error}); retrying")]
    private static partial void LogUnsaved(ILogger logger, string id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id} {Kind}: another activation claimed the send first; this one steps aside")]
    private static partial void LogLostClaim(ILogger logger, string id, NotificationKind kind);
}
