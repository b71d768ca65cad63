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

    /// <summary>Forgets a booking's claim on an advisor's load when it is cancelled.</summary>
    Task ReleaseAsync(string appointmentId, string advisorEmail);
}
