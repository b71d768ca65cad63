using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole.Actions;

/// <summary>The console's actions on the grains.</summary>
public sealed class ClusterConsoleActions(IClusterClient cluster) : IConsoleActions
{
    // The booking grain has no retry yet. When it has (say IAppointmentGrain.RetryNotificationAsync(kind, by)), call it
    // here with by = "console" and map its answer: retried → Done, not failed or meeting started → Refused (409),
    // no such booking → NotFound; the /api retry endpoint calls the same grain method.
    public Task<ConsoleActionResult> RetryMessageAsync(string appointmentId, NotificationKind kind) =>
        Task.FromResult(new ConsoleActionResult(ConsoleActionOutcome.NotAvailable,
            $"Retrying the {Words.Sentence(kind.ToString()).ToLowerInvariant()} is not available yet: this version of Turtle cannot send a failed message again."));

    public Task<AdvisorDirectorySnapshot> RefreshAdvisorsAsync() => cluster.GetGrain<IAdvisorDirectoryGrain>(0).RefreshAsync();
}
