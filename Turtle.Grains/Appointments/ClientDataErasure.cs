using Turtle.Grains.Attention;

namespace Turtle.Grains.Appointments;

/// <summary>
/// What erasing a client (SPEC §13) takes from their booking, as a decision on its state: the name, number, e-mail and
/// answers; the links Calendly made for the invitee (their pages show the name); their replies and the reason they gave
/// for cancelling; the history's words naming them; the WhatsApp id Meta knew them by; the statuses and record entries
/// waiting in the booking. The messages not sent yet are cancelled: the booking has no one to write to. Times, counts,
/// the advisor and the messages' outcomes stay.
/// </summary>
public static class ClientDataErasure
{
    public const string Erased = "[erased]";
    public const string NotSent = "not sent: the client's personal data was erased";

    /// <summary>Strips the client from <paramref name="state"/>; the reasons it needed a person are cleared (they name the client).</summary>
    public static void Apply(AppointmentState state, DateTimeOffset at, string by)
    {
        ArgumentNullException.ThrowIfNull(state);
        var booking = state.Details!;
        string?[] words = [booking.ClientName, booking.Phone, booking.Phone is { } p ? PhoneMask.Digits(p) : null, booking.ClientEmail, state.ClientWaId];
        foreach (var line in state.History.ToList())
        {
            var scrubbed = Scrub(line.What, words);
            if (!ReferenceEquals(scrubbed, line.What))
            {
                state.History[state.History.IndexOf(line)] = line with { What = scrubbed };
            }
        }
        state.Details = BookingRetention.WithoutClient(booking);
        state.Replies.Clear();
        state.CancelReason = state.CancelReason is null ? null : Erased;
        state.ClientWaId = null;
        state.EarlyStatuses.Clear();
        foreach (var message in state.Notifications.Where(n => n.State == NotificationState.Pending))
        {
            message.State = NotificationState.Cancelled;
            message.LastError = NotSent;
        }
        foreach (var mark in state.Attention.ToList())
        {
            BookingAttention.Clear(state, mark.Reason);
        }
        state.ClientErasedAt = at;
        BookingRecords.Record(state, at, by, "the client's personal data was erased");
    }

    private static string Scrub(string text, IEnumerable<string?> words)
    {
        var result = text;
        foreach (var word in words)
        {
            if (!string.IsNullOrWhiteSpace(word) && result.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                result = result.Replace(word, Erased, StringComparison.OrdinalIgnoreCase);
            }
        }
        return result;
    }
}
