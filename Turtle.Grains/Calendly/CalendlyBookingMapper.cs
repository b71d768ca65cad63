using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Calendly;

/// <summary>
/// How a Calendly invitee and its scheduled event become a booking, whichever way they arrived: a webhook's payload
/// (the invitee with its event embedded, read by <see cref="CalendlyPayloadParser"/>) or the API's two resources
/// (joined by reconciliation). One set of rules for the phone number, time zone, hosts and join URL, so a booking made
/// by reconciliation is the booking its webhook would have made.
/// </summary>
public sealed class CalendlyBookingMapper(PhoneNumberNormalizer phones)
{
    /// <summary>What is wrong with a <c>uri</c> that names no invitee (SPEC §5).</summary>
    public const string NotAnInviteeUri = "must be an invitee URI (…/scheduled_events/{id}/invitees/{id}, ids UUIDs or Calendly's 16-character ids)";

    /// <param name="scheduled">The invitee's event.</param>
    /// <param name="invitee">The invitee.</param>
    /// <param name="source">What delivered it (<see cref="BookingSources"/>).</param>
    /// <param name="path">How errors name the invitee: <c>payload</c> for a webhook body.</param>
    /// <exception cref="CalendlyPayloadException">A required value is missing or wrong; its field starts with <paramref name="path"/>.</exception>
    public BookingDetails ToBooking(CalendlyScheduledEvent scheduled, CalendlyInvitee invitee, string source, string path = "payload")
    {
        ArgumentNullException.ThrowIfNull(scheduled);
        ArgumentNullException.ThrowIfNull(invitee);
        var inviteeUri = invitee.Uri.OriginalString;
        var inviteeId = InviteeId.FromInviteeUri(inviteeUri) ?? throw new CalendlyPayloadException($"{path}.uri", NotAnInviteeUri);
        if (scheduled.EndTime <= scheduled.StartTime)
        {
            throw new CalendlyPayloadException($"{path}.scheduled_event.end_time", "must be after start_time");
        }
        var hosts = scheduled.EventMemberships ?? [];
        return new BookingDetails
        {
            InviteeId = inviteeId,
            InviteeUri = inviteeUri,
            EventUri = Text(scheduled.Uri) ?? Text(invitee.Event),
            ClientName = ClientName(invitee, path),
            ClientEmail = Clean(invitee.Email),
            Phone = Phone(invitee, scheduled),
            TimeZone = TimeZone(invitee.Timezone),
            EventName = Clean(scheduled.Name),
            StartTime = scheduled.StartTime,
            EndTime = scheduled.EndTime,
            JoinUrl = JoinUrl(scheduled.Location),
            CancelUrl = Text(invitee.CancelUrl),
            RescheduleUrl = Text(invitee.RescheduleUrl),
            HostEmails = [.. hosts.Select(h => Clean(h.UserEmail)).OfType<string>()],
            HostUserUris = [.. hosts.Select(h => Text(h.User)).OfType<string>()],
            OldInviteeUri = Text(invitee.OldInvitee),
            CreatedAt = invitee.CreatedAt,
            Source = source,
            // The questions the client answered; unanswered ones are left out.
            Answers = [.. (invitee.QuestionsAndAnswers ?? []).Where(q => !string.IsNullOrEmpty(q.Question) && q.Answer is not null)
                .Select(q => new BookingAnswer(q.Question, q.Answer!))],
        };
    }

    /// <summary>A canceled invitee: its booking, whether the cancel is half of a reschedule, why and when.</summary>
    /// <exception cref="CalendlyPayloadException">As <see cref="ToBooking"/>.</exception>
    public CancellationDetails ToCancellation(CalendlyScheduledEvent scheduled, CalendlyInvitee invitee, string source, string path = "payload")
    {
        var booking = ToBooking(scheduled, invitee, source, path);
        return new CancellationDetails
        {
            Booking = booking,
            Rescheduled = invitee.Rescheduled,
            Reason = invitee.Cancellation?.Reason,
            CanceledAt = invitee.Cancellation?.CreatedAt ?? invitee.UpdatedAt ?? default,
        };
    }

    private static string ClientName(CalendlyInvitee invitee, string path)
    {
        if (Clean(invitee.Name) is { } name)
        {
            return name;
        }
        var joined = string.Join(' ', new[] { Clean(invitee.FirstName), Clean(invitee.LastName) }.OfType<string>());
        return joined.Length > 0 ? joined : throw new CalendlyPayloadException($"{path}.name", "required (or first_name / last_name)");
    }

    /// <summary>
    /// The SMS reminder number, else the number the host calls (a phone-call location), else the first phone-like booking
    /// question that holds a valid number.
    /// </summary>
    private string? Phone(CalendlyInvitee invitee, CalendlyScheduledEvent scheduled)
    {
        if (phones.Normalize(invitee.TextReminderNumber) is { } reminderNumber)
        {
            return reminderNumber;
        }
        if (scheduled.Location is { Type: "outbound_call" } location && phones.Normalize(location.Location) is { } called)
        {
            return called;
        }
        foreach (var item in invitee.QuestionsAndAnswers ?? [])
        {
            if (BookingQuestions.AsksForPhone(item.Question)
                && phones.Normalize(item.Answer) is { } answer)
            {
                return answer;
            }
        }
        return null;
    }

    /// <summary>Calendly sends IANA ids; anything this machine cannot resolve falls back to UTC rather than failing a booking.</summary>
    private static string TimeZone(string? id)
    {
        if (id is null || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return "UTC";
        }
        if (zone.HasIanaId)
        {
            return id;
        }
        return TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana) ? iana : "UTC";
    }

    /// <summary>The conference link, else a custom location that is a web address.</summary>
    private static string? JoinUrl(CalendlyLocation? location)
    {
        if (location is null)
        {
            return null;
        }
        if (Clean(location.JoinUrl) is { } joinUrl)
        {
            return joinUrl;
        }
        var place = Clean(location.Location);
        return Uri.TryCreate(place, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? place
            : null;
    }

    /// <summary>Trimmed text, or null when empty.</summary>
    private static string? Clean(string? text) => text?.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    /// <summary>A URI as Calendly wrote it; null for none.</summary>
    private static string? Text(Uri? uri) => uri?.OriginalString is { Length: > 0 } text ? text : null;
}
