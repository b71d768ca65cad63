using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Turtle.Grains.Advisors;

/// <summary>
/// Directory reads and assignment on the caller's silo, from a copy of the directory at most
/// <see cref="AdvisorOptions.LookupCacheDuration"/> old. Only the directory grain reads the sheet, so the number
/// of bookings never changes how often Google is called. Reentrant: the work between awaits is tiny and
/// the shared copy is replaced whole, so concurrent bookings need not queue behind each other.
/// </summary>
[StatelessWorker, Reentrant]
public sealed partial class AdvisorLookupGrain(IOptions<AdvisorOptions> options, TurtleClock time, ILogger<AdvisorLookupGrain> logger)
    : Grain, IAdvisorLookupGrain
{
    private AdvisorDirectorySnapshot? snapshot;
    private long fetchedAt;
    private Task<AdvisorDirectorySnapshot>? fetching;

    private IAdvisorLoadGrain Loads => GrainFactory.GetGrain<IAdvisorLoadGrain>(0);

    public async Task<AdvisorAssignment> AssignAsync(AssignmentRequest request)
    {
        var directory = await SnapshotAsync();
        var host = AdvisorAssignmentRules.FindHost(directory.Advisors, request);
        if (host is { Active: true })
        {
            await Loads.RecordAsync(request.AppointmentId, host.Email, request.StartTime);
            return new AdvisorAssignment(host, $"Calendly host {host.Email}");
        }

        var active = directory.Advisors.Where(a => a.Active).ToList();
        if (active.Count == 0)
        {
            var reason = directory.Advisors.Count == 0
                ? $"the advisor directory is empty ({directory.LastError ?? "no advisor rows"})"
                : "no advisor in the directory is active";
            LogNoAdvisor(request.AppointmentId, reason);
            return new AdvisorAssignment(null, reason);
        }
        var email = await Loads.AssignLeastLoadedAsync(request.AppointmentId, [.. active.Select(a => a.Email)], request.StartTime);
        var chosen = active.First(a => AdvisorAssignmentRules.SameEmail(a.Email, email));
        return new AdvisorAssignment(chosen, AdvisorAssignmentRules.DescribeFallback(request, host));
    }

    public async Task<Advisor?> FindAsync(string email)
    {
        var directory = await SnapshotAsync();
        return directory.Advisors.FirstOrDefault(a => AdvisorAssignmentRules.SameEmail(a.Email, email));
    }

    public Task ReleaseAsync(string appointmentId, string advisorEmail, DateTimeOffset start) => Loads.ReleaseAsync(appointmentId, advisorEmail, start);

    private Task<AdvisorDirectorySnapshot> SnapshotAsync()
    {
        if (snapshot is not null && time.GetElapsedTime(fetchedAt) < options.Value.LookupCacheDuration)
        {
            return Task.FromResult(snapshot);
        }
        // One fetch at a time per activation; callers arriving meanwhile share it.
        return fetching ??= FetchAsync();
    }

    private async Task<AdvisorDirectorySnapshot> FetchAsync()
    {
        try
        {
            var fresh = await GrainFactory.GetGrain<IAdvisorDirectoryGrain>(0).GetSnapshotAsync();
            snapshot = fresh;
            fetchedAt = time.GetTimestamp();
            return fresh;
        }
        finally
        {
            fetching = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No advisor for appointment {AppointmentId}: {Reason}")]
    private partial void LogNoAdvisor(string appointmentId, string reason);
}
