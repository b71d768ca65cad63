using System.Collections.Concurrent;
using Turtle.Testing.Calendly;

namespace Turtle.Chaos;

/// <summary>
/// Calendly's own record of the client's bookings, as its API shows them to reconciliation: each invitee's scheduled
/// event appears when it is booked (the new invitee of a reschedule naming the old one) and turns canceled when it is
/// cancelled, whether or not a webhook about it was ever delivered. The times it did so are the verdict's, for bookings
/// only reconciliation can find.
/// </summary>
public sealed class CalendlyMirror(FakeCalendlyApi calendly)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _shown = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _cancelled = new();

    /// <summary>When the API first showed the invitee (null: not yet).</summary>
    public DateTimeOffset? ShownAt(Invitee invitee) => _shown.TryGetValue(invitee.Id, out var at) ? at : null;

    /// <summary>When the API first showed the invitee canceled (null: not yet, or never).</summary>
    public DateTimeOffset? CancelledAt(Invitee invitee) => _cancelled.TryGetValue(invitee.Id, out var at) ? at : null;

    /// <summary>Shows the invitee at <see cref="Invitee.BookedAt"/>, and cancels it at its cancel's time, on a task of its own.</summary>
    public void Mirror(Invitee invitee) => _ = Task.Run(async () =>
    {
        await DelayUntil(invitee.BookedAt);
        calendly.SeedEvent(invitee.Start, invitee.End - invitee.Start, uuid: invitee.EventUuid);
        calendly.SeedInvitee(invitee.EventUuid, phone: invitee.Phone, uuid: invitee.Id,
            oldInviteeUri: invitee.OldInvitee is { } old ? calendly.InviteeUri(old.EventUuid, old.Id).ToString() : null);
        _shown[invitee.Id] = DateTimeOffset.UtcNow;
        if (invitee.Cancelled is { } cancelled)
        {
            await DelayUntil(cancelled.At);
            calendly.CancelEvent(invitee.EventUuid, rescheduled: cancelled.Rescheduled);
            _cancelled[invitee.Id] = DateTimeOffset.UtcNow;
        }
    });

    private static async Task DelayUntil(DateTimeOffset at)
    {
        var wait = at - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}
