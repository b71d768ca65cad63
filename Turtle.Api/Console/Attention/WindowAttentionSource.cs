using Turtle.Api.Appointments;
using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole.Attention;

/// <summary>
/// The attention list as far as today's bookings can tell it: the console's week (today and the next 7 days) read
/// through <see cref="AppointmentQueries"/>, listing bookings without a phone or an advisor, failed messages and
/// opted-out numbers. Declines, no-shows, replies and advisors without a phone need the cluster's own list.
/// </summary>
public sealed class WindowAttentionSource(AppointmentQueries queries, FirmClock clock) : IAttentionSource
{
    public const string Limitation =
        "Derived from the bookings of today and the next 7 days: no phone, no advisor, failed messages and opted-out numbers. " +
        "Declines, no-shows, client replies and advisors without a phone are not listed yet.";

    public async Task<AttentionList> GetAsync()
    {
        var first = clock.Today;
        var bookings = await queries.ListAsync(clock.StartOf(first), clock.StartOf(first.AddDays(8)));
        var items = bookings.SelectMany(Items)
            .OrderByDescending(i => i.Since ?? DateTimeOffset.MinValue)
            .ThenBy(i => i.MeetingTime)
            .ToList();
        return new AttentionList(items, Limitation);
    }

    private static IEnumerable<AttentionItem> Items(AppointmentView booking)
    {
        var client = string.IsNullOrEmpty(booking.PhoneMasked) ? booking.ClientName : $"{booking.ClientName} ({booking.PhoneMasked})";
        if (booking.Status == AppointmentStatus.NoPhone)
        {
            yield return new AttentionItem(booking.Id, "no-phone", null, client, booking.StartTime, "No usable phone number in the booking.");
        }
        if (booking.Status == AppointmentStatus.NoAdvisor)
        {
            yield return new AttentionItem(booking.Id, "no-advisor", null, client, booking.StartTime, "No active advisor could be assigned.");
        }
        foreach (var message in booking.Notifications.Select(MessageModel.From).Where(m => m.IsFailed))
        {
            yield return new AttentionItem(booking.Id, "message-failed", message.SentAt ?? message.DueAt, client, booking.StartTime,
                $"{message.Label}: {message.LastError ?? "failed"}", message.Kind.ToString());
        }
        if (booking.Notifications.FirstOrDefault(n => n.State == NotificationState.OptedOut) is { } optedOut)
        {
            yield return new AttentionItem(booking.Id, "opted-out", optedOut.DueAt, client, booking.StartTime, "The number sent STOP; messages are not sent.");
        }
    }
}
