using System.Globalization;

namespace Turtle.Grains.Appointments;

/// <summary>
/// What a sent message carries in <c>biz_opaque_callback_data</c>, so that Meta's status webhooks find the message's
/// holder even when the answer with its message id was lost: <c>&lt;holder&gt;:&lt;kind&gt;</c> (SPEC §6), where the holder
/// is a booking's id or an agenda's <see cref="MessageHolder"/> name. Written by the silo, read by the API.
/// </summary>
public static class CallbackData
{
    public static string For(string holder, NotificationKind kind) => $"{holder}:{kind}";

    public static bool TryParse(string? data, out string holder, out NotificationKind kind)
    {
        holder = "";
        kind = default;
        var separator = data?.LastIndexOf(':') ?? -1;
        if (data is null || separator <= 0 || !Enum.TryParse(data.AsSpan(separator + 1), ignoreCase: false, out kind) || !Enum.IsDefined(kind)
            || !MessageHolder.IsValid(data[..separator]))
        {
            return false;
        }
        holder = data[..separator];
        return true;
    }
}

/// <summary>
/// Names whoever holds a sent message, so that Meta's statuses about it reach it: a booking by its id, an advisor's
/// agenda of a day by <c>agenda:&lt;agenda key&gt;</c>.
/// </summary>
public static class MessageHolder
{
    private const string AgendaPrefix = "agenda:";

    public static string Agenda(string agendaKey) => AgendaPrefix + agendaKey;

    /// <summary>The agenda key when <paramref name="holder"/> names an agenda.</summary>
    public static bool IsAgenda(string holder, out string agendaKey)
    {
        ArgumentNullException.ThrowIfNull(holder);
        agendaKey = holder.StartsWith(AgendaPrefix, StringComparison.Ordinal) ? holder[AgendaPrefix.Length..] : "";
        return agendaKey.Length > 0;
    }

    public static bool IsValid(string holder) => InviteeId.IsValid(holder) || (IsAgenda(holder, out var key) && IsAgendaKey(key));

    private static bool IsAgendaKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < key.Length - 1 && key.IndexOf(':', StringComparison.Ordinal) < 0
            && DateOnly.TryParseExact(key[..slash], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    }
}
