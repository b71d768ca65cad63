namespace Turtle.Grains.Appointments;

/// <summary>How a booking appears on the attention list (SPEC §4): its client by name and masked phone, its meeting time.</summary>
public static class BookingAttention
{
    public static AttentionEntry Entry(string appointmentId, AppointmentState state, string reason, DateTimeOffset since, string? detail)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new AttentionEntry(appointmentId, reason, since, Client(state.Details), state.Details?.StartTime, detail);
    }

    /// <summary>Raises or clears each entry in turn; a raise repeated with the same content writes nothing.</summary>
    public static async Task ApplyAsync(IAttentionGrain attention, string appointmentId, AppointmentState state, IEnumerable<AttentionChange> changes)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            await (change.Raise
                ? attention.RaiseAsync(Entry(appointmentId, state, change.Reason, change.Since, change.Detail))
                : attention.ClearAsync(appointmentId, change.Reason));
        }
    }

    /// <summary><c>Asha Rao (+91******3210)</c>: never the full number.</summary>
    public static string? Client(BookingDetails? booking) => booking switch
    {
        null => null,
        { Phone: null } => booking.ClientName,
        _ => $"{booking.ClientName} ({PhoneMask.Mask(booking.Phone)})",
    };
}
