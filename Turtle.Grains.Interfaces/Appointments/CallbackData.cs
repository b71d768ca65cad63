namespace Turtle.Grains.Appointments;

/// <summary>
/// What a sent message carries in <c>biz_opaque_callback_data</c>, so that Meta's status webhooks find their booking:
/// <c>&lt;appointment id&gt;:&lt;kind&gt;</c> (SPEC §6). Written by the silo, read by the API.
/// </summary>
public static class CallbackData
{
    public static string For(string appointmentId, NotificationKind kind) => $"{appointmentId}:{kind}";

    public static bool TryParse(string? data, out string appointmentId, out NotificationKind kind)
    {
        appointmentId = "";
        kind = default;
        var separator = data?.LastIndexOf(':') ?? -1;
        if (data is null || separator <= 0 || !Enum.TryParse(data.AsSpan(separator + 1), ignoreCase: false, out kind) || !Enum.IsDefined(kind)
            || !InviteeId.IsValid(data[..separator]))
        {
            return false;
        }
        appointmentId = data[..separator];
        return true;
    }
}
