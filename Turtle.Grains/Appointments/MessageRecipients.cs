using Microsoft.Extensions.Logging;
using Turtle.Grains.Advisors;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Appointments;

/// <summary>
/// Where a due message goes and whom its text names, read when it is sent: the client's number from the booking, the
/// advisor's from the sheet as it is now (an edited phone or bio counts), times shown to an advisor in the firm's zone.
/// </summary>
/// <param name="To">The E.164 number; null when the message cannot go (see <paramref name="SkipReason"/>).</param>
/// <param name="Advisor">The advisor the text names.</param>
/// <param name="TimeZone">The zone meeting times are shown in; null: the invitee's.</param>
/// <param name="SkipReason">Why the message will never go.</param>
public sealed record Recipient(string? To, Advisor? Advisor, string? TimeZone, string? SkipReason);

public sealed partial class MessageRecipients(IGrainFactory grains, PhoneNumberNormalizer phones, FirmCalendar firm, TurtleClock time, ILogger<MessageRecipients> logger)
{
    public const string AdvisorNoPhone = "the advisor has no usable phone number in the sheet";

    private IAdvisorLookupGrain Advisors => grains.GetGrain<IAdvisorLookupGrain>(0);

    /// <summary>The recipient of <paramref name="entry"/>, whose gate is open (an advisor's message has its advisor).</summary>
    public async Task<Recipient> ResolveAsync(string appointmentId, AppointmentState booking, Notification entry)
    {
        ArgumentNullException.ThrowIfNull(booking);
        ArgumentNullException.ThrowIfNull(entry);
        var audience = MessageKinds.Of(entry.Kind).Audience;
        var advisor = booking.Advisor;
        if (advisor is not null && (entry.Kind == NotificationKind.AdvisorBio || audience == Audience.Advisor))
        {
            // The sheet may have been edited since booking: the bio and phone used are the ones there now.
            advisor = await Advisors.FindAsync(advisor.Email) ?? advisor;
        }
        if (audience == Audience.Client)
        {
            return new Recipient(booking.Details!.Phone, advisor, TimeZone: null, SkipReason: null);
        }
        if (advisor is not null && phones.Normalize(advisor.Phone) is { } phone)
        {
            return new Recipient(phone, advisor, firm.ZoneId, SkipReason: null);
        }
        // Listed once per booking: a second advisor message skipped for the same reason adds nothing.
        if (!booking.Notifications.Any(n => n != entry && n.State == NotificationState.Skipped && n.LastError == AdvisorNoPhone))
        {
            await RaiseNoPhoneAsync(appointmentId, booking, advisor);
        }
        return new Recipient(null, advisor, firm.ZoneId, AdvisorNoPhone);
    }

    /// <summary>
    /// The attention list is the operators' view, not the booking's record: failing to reach it must not fail the booking's
    /// messages (a failed first dispatch would send the client's confirmation twice), so it is logged instead.
    /// </summary>
    private async Task RaiseNoPhoneAsync(string appointmentId, AppointmentState booking, Advisor? advisor)
    {
        var details = booking.Details!;
        var client = details.Phone is null ? details.ClientName : $"{details.ClientName} ({PhoneMask.Mask(details.Phone)})";
        var entry = new AttentionEntry(appointmentId, AttentionReasonCodes.AdvisorNoPhone, time.GetUtcNow(), client, details.StartTime,
            $"{advisor?.Name ?? "The advisor"} ({advisor?.Email}) has no usable Phone in the advisor sheet: they are not told of this booking on WhatsApp.");
        try
        {
            await grains.GetGrain<IAttentionGrain>(0).RaiseAsync(entry);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAttentionFailed(logger, e, appointmentId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id}: could not list advisor-no-phone in the attention list")]
    private static partial void LogAttentionFailed(ILogger logger, Exception exception, string id);
}
