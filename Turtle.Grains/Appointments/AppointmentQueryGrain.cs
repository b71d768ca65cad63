using Orleans.Concurrency;

namespace Turtle.Grains.Appointments;

/// <summary>Lists bookings by meeting time from the per-day index shards; on every silo, so listing never queues behind one activation.</summary>
[StatelessWorker, Reentrant]
public sealed class AppointmentQueryGrain : Grain, IAppointmentQueryGrain
{
    public async Task<IReadOnlyList<AppointmentView>> ListAsync(DateTimeOffset windowStart, DateTimeOffset windowEnd)
    {
        var shards = await Task.WhenAll(AppointmentIndex.KeysOf(windowStart, windowEnd).Select(key => GrainFactory.GetGrain<IAppointmentIndexGrain>(key).ListAsync()));
        var inWindow = shards.SelectMany(s => s).Where(a => a.Start >= windowStart && a.Start < windowEnd);
        var views = await Task.WhenAll(inWindow.Select(a => GrainFactory.GetGrain<IAppointmentGrain>(a.AppointmentId).GetAsync()));
        return [.. views.OfType<AppointmentView>().OrderBy(v => v.StartTime)];
    }

    public async Task<IReadOnlyList<string>> FindByPhoneAsync(string phone, DateTimeOffset windowStart, DateTimeOffset windowEnd)
    {
        var shards = await Task.WhenAll(AppointmentIndex.KeysOf(windowStart, windowEnd).Select(key => GrainFactory.GetGrain<IAppointmentIndexGrain>(key).FindByPhoneAsync(phone)));
        return [.. shards.SelectMany(s => s).Distinct(StringComparer.Ordinal)];
    }
}
