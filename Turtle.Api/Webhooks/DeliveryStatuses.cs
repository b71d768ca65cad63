using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Api.Webhooks;

/// <summary>
/// Takes each of Meta's statuses to the message it is about (SPEC §6): the holder its callback data names checks the
/// status's message id against its own messages (and, for a send whose answer was lost, the kind); without callback data,
/// or when that holder has no such message, the recipient's number tells who sent the message with that id (else which
/// bookings the number has, each checking the id). Each holder is asked in turn, never in a call from another grain,
/// so no grain waits on a busy booking.
/// </summary>
public static class DeliveryStatuses
{
    /// <returns>How many statuses matched no message Turtle sent.</returns>
    public static async Task<int> ApplyAsync(IClusterClient cluster, IReadOnlyList<WhatsAppStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(statuses);
        var unmatched = 0;
        foreach (var status in statuses)
        {
            if (!await ApplyAsync(cluster, status))
            {
                unmatched++;
            }
        }
        return unmatched;
    }

    private static async Task<bool> ApplyAsync(IClusterClient cluster, WhatsAppStatus status)
    {
        if (status.Holder is { } named && await ApplyToAsync(cluster, named, status.Update))
        {
            return true;
        }
        var recipient = status.Recipient
            ?? (status.RecipientUserId is { } userId ? await cluster.GetGrain<IWhatsAppUserGrain>(userId).PhoneAsync() : null);
        if (recipient is null)
        {
            return false;
        }
        // The kind the callback data named belongs to the holder it named; another holder matches by the id alone.
        var byId = status.Update with { Kind = null };
        foreach (var holder in await cluster.GetGrain<IRecipientGrain>(recipient).HoldersOfAsync(status.Update.MessageId))
        {
            if (holder != status.Holder && await ApplyToAsync(cluster, holder, byId))
            {
                return true;
            }
        }
        return false;
    }

    private static Task<bool> ApplyToAsync(IClusterClient cluster, string holder, DeliveryStatusUpdate update) =>
        MessageHolder.IsAgenda(holder, out var agenda)
            ? cluster.GetGrain<IAdvisorAgendaGrain>(agenda).ApplyDeliveryStatusAsync(update)
            : cluster.GetGrain<IAppointmentGrain>(holder).ApplyDeliveryStatusAsync(update);
}
