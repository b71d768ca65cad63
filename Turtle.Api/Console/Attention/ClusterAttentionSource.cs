using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole.Attention;

/// <summary>The attention list as the bookings keep it in the cluster (<see cref="IAttentionGrain"/>): complete, newest first.</summary>
public sealed class ClusterAttentionSource(IClusterClient cluster) : IAttentionSource
{
    public async Task<AttentionList> GetAsync()
    {
        var entries = await cluster.GetGrain<IAttentionGrain>(0).ListAsync();
        return new AttentionList(
            [.. entries.Select(e => new AttentionItem(e.AppointmentId, e.Reason, e.Since, e.Client, e.MeetingTime, e.Detail, e.Kind?.ToString()))],
            Limitation: null);
    }
}
