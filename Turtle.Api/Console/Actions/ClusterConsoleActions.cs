using Turtle.Grains.Advisors;
using Turtle.Api.OperationsConsole.Attention;
using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole.Actions;

/// <summary>The console's actions on the grains.</summary>
public sealed class ClusterConsoleActions(IClusterClient cluster) : IConsoleActions
{
    public async Task<ConsoleActionResult> RetryMessageAsync(string appointmentId, NotificationKind kind)
    {
        var message = Words.Sentence(kind.ToString()).ToLowerInvariant();
        var result = await cluster.GetGrain<IAppointmentGrain>(InviteeId.Normalize(appointmentId)).RetryNotificationAsync(kind, BookingSources.Console);
        return result.Outcome switch
        {
            RetryOutcome.Retried => new ConsoleActionResult(ConsoleActionOutcome.Done, result.Notification?.State switch
            {
                NotificationState.Sent => $"The {message} was sent again.",
                NotificationState.Failed => $"The {message} was sent again and failed again: {result.Notification.LastError}",
                _ => $"The {message} will be sent again in a moment.",
            }),
            RetryOutcome.NotFound => new ConsoleActionResult(ConsoleActionOutcome.NotFound, "No such booking."),
            _ => new ConsoleActionResult(ConsoleActionOutcome.Refused, $"The {message} was not sent again: {result.Reason}."),
        };
    }

    public async Task<ConsoleActionResult> MarkHandledAsync(string appointmentId, string reason)
    {
        await cluster.GetGrain<IAttentionGrain>(0).ClearAsync(InviteeId.Normalize(appointmentId), reason);
        return new ConsoleActionResult(ConsoleActionOutcome.Done, $"Marked handled: {AttentionReasons.Find(reason).Label.ToLowerInvariant()}.");
    }

    public Task<AdvisorDirectorySnapshot> RefreshAdvisorsAsync() => cluster.GetGrain<IAdvisorDirectoryGrain>(0).RefreshAsync();
}
