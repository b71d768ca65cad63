using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Messaging;
using Turtle.Grains.Telemetry;

namespace Turtle.Grains.Advisors;

/// <summary>
/// The one reader of the advisor sheet (key 0). Loads it at activation and every refresh interval; a failed load
/// keeps the last good copy in service and is reported in <see cref="AdvisorDirectorySnapshot.LastError"/>.
/// State is written only when the sheet's content changed, so a quiet sheet costs no storage writes.
/// </summary>
public sealed partial class AdvisorDirectoryGrain(
    [PersistentState("directory", TurtleStorage.Advisors)] IPersistentState<AdvisorDirectorySnapshot> state,
    IAdvisorSource source,
    IOptions<AdvisorOptions> options,
    PhoneNumberNormalizer phones,
    TurtleClock time,
    ILogger<AdvisorDirectoryGrain> logger) : Grain, IAdvisorDirectoryGrain
{
    /// <summary>Persisted copy plus the outcome of the latest attempt, which is not worth a write on its own.</summary>
    private AdvisorDirectorySnapshot current = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        current = state.State with { AdvisorsWithoutPhone = WithoutPhone(state.State.Advisors) };
        var interval = options.Value.RefreshInterval;
        var firstDue = interval;
        if (state.RecordExists)
        {
            // Serve the stored copy at once; reading the sheet (slow, or down) happens just after activation.
            firstDue = TimeSpan.Zero;
        }
        else
        {
            await LoadAsync(cancellationToken);
        }
        // KeepAlive: the schedule holds even when no booking comes in, so the cache stays warm and errors show.
        this.RegisterGrainTimer(LoadAsync, new GrainTimerCreationOptions(firstDue, interval) { KeepAlive = true });
    }

    public Task<AdvisorDirectorySnapshot> GetSnapshotAsync() => Task.FromResult(current);

    public async Task<AdvisorDirectorySnapshot> RefreshAsync()
    {
        await LoadAsync(CancellationToken.None);
        return current;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var attempt = time.GetUtcNow();
        AdvisorSheet sheet;
        string description;
        try
        {
            var data = await source.LoadAsync(cancellationToken);
            sheet = AdvisorSheetParser.Parse(data.Rows, data.FirstRowNumber);
            description = data.Description;
            if (sheet.Advisors.Count == 0 && current.Advisors.Count > 0)
            {
                // A sheet emptied by a half-finished edit must not leave every booking without an advisor.
                throw new AdvisorSourceException(
                    $"The sheet has no valid advisor rows ({sheet.Rejected.Count} rejected); keeping the last good copy.");
            }
        }
        catch (AdvisorSourceException e)
        {
            current = current with { LastAttempt = attempt, LastError = e.Message };
            LogLoadFailed(e.Message, current.Version);
            TurtleMetrics.AdvisorRefresh(AdvisorRefreshOutcome.Failed);
            return;
        }

        var changed = current.Version == 0
            || current.Source != description
            || !current.Advisors.SequenceEqual(sheet.Advisors)
            || !current.Rejected.SequenceEqual(sheet.Rejected);
        var next = current with
        {
            Version = changed ? current.Version + 1 : current.Version,
            Advisors = sheet.Advisors,
            Rejected = sheet.Rejected,
            Source = description,
            LastRefresh = attempt,
            LastAttempt = attempt,
            LastError = null,
            AdvisorsWithoutPhone = WithoutPhone(sheet.Advisors),
        };
        if (changed)
        {
            state.State = next;
            await state.WriteStateAsync(cancellationToken);
            LogLoaded(description, next.Advisors.Count, next.Rejected.Count, next.Version);
        }
        current = next;
        TurtleMetrics.AdvisorRefresh(AdvisorRefreshOutcome.Ok);
    }

    /// <summary>Advisors whose <c>Phone</c> is missing or no valid number (in <c>Notifications:DefaultRegion</c>): WhatsApp cannot reach them.</summary>
    private List<string> WithoutPhone(IEnumerable<Advisor> advisors) => [.. advisors.Where(a => phones.Normalize(a.Phone) is null).Select(a => a.Email)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Advisor directory loaded from {Source}: {Advisors} advisors, {Rejected} rows rejected (version {Version})")]
    private partial void LogLoaded(string source, int advisors, int rejected, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advisor directory reload failed, still serving version {Version}: {Error}")]
    private partial void LogLoadFailed(string error, long version);
}
