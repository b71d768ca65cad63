namespace Turtle.Grains.Advisors;

/// <summary>
/// The single owner of the advisor sheet (key 0): loads it at activation and every refresh interval,
/// persists the last good copy, and keeps serving it when a reload fails.
/// </summary>
public interface IAdvisorDirectoryGrain : IGrainWithIntegerKey
{
    [AlwaysInterleave]
    Task<AdvisorDirectorySnapshot> GetSnapshotAsync();

    /// <summary>Reloads the sheet now and answers with the result.</summary>
    Task<AdvisorDirectorySnapshot> RefreshAsync();
}

/// <summary>
/// Directory reads and advisor assignment close to the caller: a stateless worker that holds the latest
/// snapshot, so bookings do not queue behind the directory's single activation.
/// </summary>
public interface IAdvisorLookupGrain : IGrainWithIntegerKey
{
    /// <summary>Picks the booking's advisor (SPEC §7): the active host, else the least loaded active advisor.</summary>
    Task<AdvisorAssignment> AssignAsync(AssignmentRequest request);

    /// <summary>The advisor as the sheet has it now (a later bio edit is used when the bio is sent).</summary>
    Task<Advisor?> FindAsync(string email);

    /// <summary>Stops counting a cancelled booking in its advisor's load.</summary>
    Task ReleaseAsync(string appointmentId, string advisorEmail, DateTimeOffset start);
}

/// <summary>
/// Upcoming meetings per advisor, cluster-wide (key 0), for the least-loaded choice. It counts only meetings
/// not yet started; its state is written in batches, since losing the last few seconds only skews balancing.
/// </summary>
public interface IAdvisorLoadGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Picks the candidate with the fewest upcoming meetings (ties round-robin, in the order given) and records
    /// the booking against it. A booking already recorded against one of the candidates keeps that advisor.
    /// </summary>
    Task<string> AssignLeastLoadedAsync(string appointmentId, IReadOnlyList<string> candidateEmails, DateTimeOffset start);

    /// <summary>Records a booking against an advisor chosen another way (the Calendly host).</summary>
    Task RecordAsync(string appointmentId, string advisorEmail, DateTimeOffset start);

    /// <summary>Stops counting a booking, if it is counted against that advisor.</summary>
    Task ReleaseAsync(string appointmentId, string advisorEmail, DateTimeOffset start);

    /// <summary>Upcoming (not yet started) meetings per advisor email, lower-cased.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyDictionary<string, int>> GetUpcomingCountsAsync();
}
