using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Calendly;

/// <summary>Cancels a booking's meeting at Calendly when its client asks to on WhatsApp (SPEC §15).</summary>
public sealed class MeetingCanceller(CalendlyClient calendly, IOptions<CalendlyApiOptions> options)
{
    /// <summary>The reason Calendly shows the advisor and the invitee.</summary>
    public const string Reason = "Cancelled by the client on WhatsApp";

    /// <returns>Null once Calendly cancelled it; else why it could not be, for a person to cancel it by hand.</returns>
    public async Task<string?> CancelAsync(BookingDetails booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        if (!options.Value.IsConfigured)
        {
            return $"{CalendlyApiOptions.ApiTokenKey} is not set, so Turtle cannot cancel it: cancel the meeting in Calendly";
        }
        if (CalendlyUris.EventOfInvitee(booking.InviteeUri) is not { } eventUuid)
        {
            return "the booking names no Calendly event: cancel the meeting in Calendly";
        }
        try
        {
            await calendly.CancelEventAsync(eventUuid, Reason);
            return null;
        }
        catch (CalendlyApiException e)
        {
            return $"{e.Message} Cancel the meeting in Calendly.";
        }
    }
}
