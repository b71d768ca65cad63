using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Hosting;
using Turtle.Grains.Telemetry;

namespace Turtle.Grains.Calendly;

/// <summary>
/// One reconciliation with Calendly (SPEC §8): the organization's scheduled events starting in the next
/// <c>Calendly:ReconcileDays</c>, active and canceled, and their invitees, each joined with its event into the booking
/// its webhook would have made (<see cref="CalendlyBookingMapper"/>) and handed to its <see cref="IAppointmentGrain"/>
/// as the webhook hands it. The grains' idempotence makes a run safe to repeat, to overlap a webhook and to restart
/// after a crash: an invitee Turtle has is unchanged, whoever delivered it first.
/// </summary>
public sealed partial class CalendlyReconciler(
    CalendlyClient calendly,
    CalendlyBookingMapper mapper,
    IGrainFactory grains,
    IOptions<ReconcileOptions> options,
    TurtleClock time,
    ILogger<CalendlyReconciler> logger)
{
    private const string Active = "active";
    private const string Canceled = "canceled";

    /// <summary>
    /// Runs once. Calendly's failures are reported in the result (a listing that fails ends the run, an event or invitee
    /// that fails is skipped); only cancellation escapes.
    /// </summary>
    public async Task<ReconcileResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var started = time.GetUtcNow();
        var tally = new ReconcileTally(started, started.AddDays(settings.ReconcileDays));
        if (!calendly.IsConfigured)
        {
            tally.NotConfigured($"{CalendlyApiOptions.ApiTokenKey} is not set on the silos: reconciliation needs a Calendly personal access token.");
            return tally.Result(started);
        }

        // Events are listed by one reader and worked on by a few workers: each needs its own invitees request.
        var events = Channel.CreateBounded<CalendlyScheduledEvent>(settings.ReconcileConcurrency * 2);
        var workers = Enumerable.Range(0, settings.ReconcileConcurrency).Select(_ => WorkAsync(events.Reader, tally, cancellationToken)).ToList();
        try
        {
            await ListAsync(events.Writer, started, tally, cancellationToken);
        }
        catch (CalendlyApiException e)
        {
            tally.Stopped($"Calendly's scheduled events could not be read to the end: {e.Message}");
        }
        finally
        {
            events.Writer.Complete();
            await Task.WhenAll(workers);
        }

        var result = tally.Result(time.GetUtcNow());
        Record(result);
        return result;
    }

    private async Task ListAsync(ChannelWriter<CalendlyScheduledEvent> events, DateTimeOffset now, ReconcileTally tally, CancellationToken cancellationToken)
    {
        var organization = (await calendly.GetCurrentUserAsync(cancellationToken)).CurrentOrganization;
        var windowEnd = now.AddDays(options.Value.ReconcileDays);
        // An event cancelled between the two listings shows in both: it is worked on once.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var status in new[] { Active, Canceled })
        {
            var query = new CalendlyEventQuery(organization, now, windowEnd, status, PageSize: CalendlyClient.MaxPageSize);
            await foreach (var scheduled in calendly.ListScheduledEventsAsync(query, cancellationToken))
            {
                if (seen.Add(scheduled.Uuid))
                {
                    tally.Event();
                    await events.WriteAsync(scheduled, cancellationToken);
                }
            }
        }
    }

    private async Task WorkAsync(ChannelReader<CalendlyScheduledEvent> events, ReconcileTally tally, CancellationToken cancellationToken)
    {
        await foreach (var scheduled in events.ReadAllAsync(cancellationToken))
        {
            try
            {
                await foreach (var invitee in calendly.ListInviteesAsync(scheduled.Uuid, cancellationToken: cancellationToken))
                {
                    tally.Invitee();
                    await ReconcileAsync(scheduled, invitee, tally, cancellationToken);
                }
            }
            catch (CalendlyApiException e)
            {
                tally.Error($"event {scheduled.Uuid}: its invitees could not be read: {e.Message}");
            }
            catch (Exception e) when (!Stopping.Asked(e, cancellationToken))
            {
                // A worker that stopped would leave the listing waiting for room in the channel: report it and go on.
                LogEventFailed(e, scheduled.Uuid);
                tally.Error($"event {scheduled.Uuid}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary>Books an active invitee (a repeat changes nothing) and cancels a canceled one Turtle holds as booked.</summary>
    private async Task ReconcileAsync(CalendlyScheduledEvent scheduled, CalendlyInvitee invitee, ReconcileTally tally, CancellationToken cancellationToken)
    {
        try
        {
            switch (invitee.Status)
            {
                case Active:
                    var booking = mapper.ToBooking(scheduled, invitee, BookingSources.Reconcile, "invitee");
                    tally.Booked(await grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking));
                    break;
                case Canceled:
                    var cancellation = mapper.ToCancellation(scheduled, invitee, BookingSources.Reconcile, "invitee");
                    var grain = grains.GetGrain<IAppointmentGrain>(cancellation.Booking.InviteeId);
                    if (IsBooked(await grain.GetAsync()))
                    {
                        tally.Cancelled(await grain.CancelAsync(cancellation));
                    }
                    else
                    {
                        tally.Unchanged();
                    }
                    break;
                default:
                    tally.Error($"invitee {invitee.Uuid} of event {scheduled.Uuid}: status '{invitee.Status}' is neither {Active} nor {Canceled}.");
                    break;
            }
        }
        catch (CalendlyPayloadException e)
        {
            tally.Error($"invitee {invitee.Uuid} of event {scheduled.Uuid}: {e.Field} {e.Problem}");
        }
        catch (Exception e) when (!Stopping.Asked(e, cancellationToken))
        {
            // The booking is left as it was; the next run tries it again.
            LogInviteeFailed(e, invitee.Uuid);
            tally.Error($"invitee {invitee.Uuid}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Turtle holds the invitee as booked: stored and not cancelled (with or without a phone or an advisor).</summary>
    public static bool IsBooked(AppointmentView? held) =>
        held?.Status is AppointmentStatus.Booked or AppointmentStatus.NoPhone or AppointmentStatus.NoAdvisor;

    private void Record(ReconcileResult result)
    {
        TurtleMetrics.ReconcileRun(result.Outcome == ReconcileRunOutcome.Completed ? ReconcileOutcome.Ok : ReconcileOutcome.Failed);
        TurtleMetrics.ReconcileBookings(ReconcileAction.Created, result.Created);
        TurtleMetrics.ReconcileBookings(ReconcileAction.Cancelled, result.Cancelled);
        var seconds = (result.FinishedAt - result.StartedAt).TotalSeconds;
        if (result.Errors.Count == 0)
        {
            LogReconciled(result.Events, result.Invitees, result.Created, result.Cancelled, result.Unchanged, seconds);
        }
        else
        {
            LogReconciledWithErrors(result.Events, result.Invitees, result.Created, result.Cancelled, result.Unchanged, seconds,
                result.Errors.Count, string.Join(" | ", result.Errors.Take(5)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Calendly reconciliation: {Events} events, {Invitees} invitees, {Created} created, {Cancelled} cancelled, {Unchanged} unchanged, no errors, in {Seconds:0.0} s")]
    private partial void LogReconciled(int events, int invitees, int created, int cancelled, int unchanged, double seconds);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Calendly reconciliation: {Events} events, {Invitees} invitees, {Created} created, {Cancelled} cancelled, {Unchanged} unchanged, {ErrorCount} errors, in {Seconds:0.0} s: {Errors}")]
    private partial void LogReconciledWithErrors(int events, int invitees, int created, int cancelled, int unchanged, double seconds, int errorCount, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendly reconciliation could not read the invitees of event {EventUuid}; the next run tries again")]
    private partial void LogEventFailed(Exception exception, string eventUuid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendly reconciliation could not reconcile invitee {InviteeId}; the next run tries again")]
    private partial void LogInviteeFailed(Exception exception, string inviteeId);
}
