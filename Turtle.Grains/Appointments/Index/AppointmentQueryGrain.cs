using System.Diagnostics;
using Orleans.Concurrency;

namespace Turtle.Grains.Appointments.Index;

/// <summary>Lists bookings by meeting time from the per-day index shards; on every silo, so listing never queues behind one activation.</summary>
[StatelessWorker, Reentrant]
public sealed class AppointmentQueryGrain : Grain, IAppointmentQueryGrain
{
    public async Task<IReadOnlyList<AppointmentView>> ListAsync(DateTimeOffset windowStart, DateTimeOffset windowEnd)
    {
        // A week of the console asks a thousand bookings: the trace keeps this call's span, not a thousand more. Without a
        // current activity the calls below start no span and carry no trace context (Turtle's sampler starts traces only
        // at HTTP requests and reminder ticks), which also spares each of them the tracing work.
        Activity.Current = null;
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

    public async Task<IReadOnlyList<IndexedClient>> SearchClientsAsync(string text, DateTimeOffset windowStart, DateTimeOffset windowEnd, int max)
    {
        Activity.Current = null;
        var shards = await Task.WhenAll(AppointmentIndex.KeysOf(windowStart, windowEnd).Select(key => GrainFactory.GetGrain<IAppointmentIndexGrain>(key).SearchAsync(text, max)));
        return [.. shards.SelectMany(s => s).OrderByDescending(c => c.Start).Take(max)];
    }
}
