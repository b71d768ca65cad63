using System.Globalization;
using System.Text.Json;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Calendly;

/// <summary>A Calendly webhook delivery, as far as Turtle cares.</summary>
public abstract record CalendlyWebhookEvent(string EventType)
{
    public const string InviteeCreated = "invitee.created";
    public const string InviteeCanceled = "invitee.canceled";
}

public sealed record InviteeCreatedEvent(BookingDetails Booking) : CalendlyWebhookEvent(InviteeCreated);

public sealed record InviteeCanceledEvent(CancellationDetails Cancellation) : CalendlyWebhookEvent(InviteeCanceled);

/// <summary>An event type Turtle does not handle (routing forms, no-shows, ...).</summary>
public sealed record IgnoredEvent(string Type) : CalendlyWebhookEvent(Type);

/// <summary>The body is not a usable Calendly webhook; <see cref="Field"/> is the JSON path at fault.</summary>
public sealed class CalendlyPayloadException(string field, string problem)
    : FormatException($"{field}: {problem}")
{
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}

/// <summary>Reads Calendly v2 <c>invitee.created</c> / <c>invitee.canceled</c> bodies into the grain contract.</summary>
public sealed class CalendlyPayloadParser(PhoneNumberNormalizer phones)
{
    /// <summary>Words of booking questions that ask for a number ("Phone no.", "WhatsApp no", "Mobile/WhatsApp", "Contact number").</summary>
    private static readonly string[] PhoneQuestionWords = ["phone", "whatsapp", "mobile", "contact number", "contact no"];

    private static readonly DateTimeOffset EarliestMeeting = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestMeeting = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <exception cref="CalendlyPayloadException">The body is malformed or lacks a required field.</exception>
    public CalendlyWebhookEvent Parse(ReadOnlyMemory<byte> body)
    {
        if (JsonText.Problem(body.Span) is { } problem)
        {
            throw new CalendlyPayloadException("body", problem);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new CalendlyPayloadException("body", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        using (document)
        {
            var root = Object(document.RootElement, "body");
            var type = RequiredString(root, "event", "event");
            if (type is not (CalendlyWebhookEvent.InviteeCreated or CalendlyWebhookEvent.InviteeCanceled))
            {
                return new IgnoredEvent(type);
            }
            var payload = OptionalObject(root, "payload", "payload") ?? throw new CalendlyPayloadException("payload", "required");
            var eventCreatedAt = OptionalDate(root, "created_at", "created_at");
            var booking = ParseBooking(payload, eventCreatedAt);
            if (type == CalendlyWebhookEvent.InviteeCreated)
            {
                return new InviteeCreatedEvent(booking);
            }

            var cancellation = OptionalObject(payload, "cancellation", "payload.cancellation");
            return new InviteeCanceledEvent(new CancellationDetails
            {
                Booking = booking,
                Rescheduled = OptionalBool(payload, "rescheduled", "payload.rescheduled"),
                Reason = cancellation is { } reason ? OptionalString(reason, "reason", "payload.cancellation.reason") : null,
                CanceledAt = (cancellation is { } at ? OptionalDate(at, "created_at", "payload.cancellation.created_at") : null)
                    ?? eventCreatedAt ?? default,
            });
        }
    }

    private BookingDetails ParseBooking(JsonElement payload, DateTimeOffset? eventCreatedAt)
    {
        var inviteeUri = RequiredString(payload, "uri", "payload.uri");
        var inviteeId = InviteeId.FromUri(inviteeUri) ?? throw new CalendlyPayloadException("payload.uri", "must end with the invitee UUID");

        var scheduled = OptionalObject(payload, "scheduled_event", "payload.scheduled_event")
            ?? throw new CalendlyPayloadException("payload.scheduled_event", "required");
        var start = MeetingTime(OptionalDate(scheduled, "start_time", "payload.scheduled_event.start_time"), "payload.scheduled_event.start_time")
            ?? throw new CalendlyPayloadException("payload.scheduled_event.start_time", "required");
        var end = MeetingTime(OptionalDate(scheduled, "end_time", "payload.scheduled_event.end_time"), "payload.scheduled_event.end_time") ?? start;
        if (end < start)
        {
            throw new CalendlyPayloadException("payload.scheduled_event.end_time", "before start_time");
        }
        var hosts = Members(scheduled);

        return new BookingDetails
        {
            InviteeId = inviteeId,
            InviteeUri = inviteeUri,
            EventUri = OptionalString(scheduled, "uri", "payload.scheduled_event.uri") ?? OptionalString(payload, "event", "payload.event"),
            ClientName = ClientName(payload),
            ClientEmail = OptionalString(payload, "email", "payload.email"),
            Phone = Phone(payload, scheduled),
            TimeZone = TimeZone(OptionalString(payload, "timezone", "payload.timezone")),
            EventName = OptionalString(scheduled, "name", "payload.scheduled_event.name"),
            StartTime = start,
            EndTime = end,
            JoinUrl = JoinUrl(scheduled),
            CancelUrl = OptionalString(payload, "cancel_url", "payload.cancel_url"),
            RescheduleUrl = OptionalString(payload, "reschedule_url", "payload.reschedule_url"),
            HostEmails = [.. hosts.Select(h => h.Email).OfType<string>()],
            HostUserUris = [.. hosts.Select(h => h.User).OfType<string>()],
            OldInviteeUri = OptionalString(payload, "old_invitee", "payload.old_invitee"),
            CreatedAt = OptionalDate(payload, "created_at", "payload.created_at") ?? eventCreatedAt ?? default,
        };
    }

    private static string ClientName(JsonElement payload)
    {
        if (OptionalString(payload, "name", "payload.name") is { } name)
        {
            return name;
        }
        var parts = new[] { OptionalString(payload, "first_name", "payload.first_name"), OptionalString(payload, "last_name", "payload.last_name") };
        var joined = string.Join(' ', parts.OfType<string>());
        return joined.Length > 0 ? joined : throw new CalendlyPayloadException("payload.name", "required (or first_name / last_name)");
    }

    /// <summary>
    /// The SMS reminder number, else the number the host calls (a phone-call location), else the first phone-like booking
    /// question that holds a valid number.
    /// </summary>
    private string? Phone(JsonElement payload, JsonElement scheduled)
    {
        if (phones.Normalize(OptionalString(payload, "text_reminder_number", "payload.text_reminder_number")) is { } reminderNumber)
        {
            return reminderNumber;
        }
        if (OptionalObject(scheduled, "location", "payload.scheduled_event.location") is { } location
            && OptionalString(location, "type", "payload.scheduled_event.location.type") == "outbound_call"
            && phones.Normalize(OptionalString(location, "location", "payload.scheduled_event.location.location")) is { } called)
        {
            return called;
        }
        foreach (var (item, path) in Objects(payload, "questions_and_answers", "payload.questions_and_answers"))
        {
            var question = OptionalString(item, "question", path + ".question") ?? "";
            if (PhoneQuestionWords.Any(w => question.Contains(w, StringComparison.OrdinalIgnoreCase))
                && phones.Normalize(OptionalString(item, "answer", path + ".answer")) is { } answer)
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

    private static string? JoinUrl(JsonElement scheduled)
    {
        if (OptionalObject(scheduled, "location", "payload.scheduled_event.location") is not { } location)
        {
            return null;
        }
        if (OptionalString(location, "join_url", "payload.scheduled_event.location.join_url") is { } joinUrl)
        {
            return joinUrl;
        }
        var place = OptionalString(location, "location", "payload.scheduled_event.location.location");
        return Uri.TryCreate(place, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? place
            : null;
    }

    private static List<(string? User, string? Email)> Members(JsonElement scheduled) =>
        [.. Objects(scheduled, "event_memberships", "payload.scheduled_event.event_memberships")
            .Select(m => (OptionalString(m.Item, "user", m.Path + ".user"), OptionalString(m.Item, "user_email", m.Path + ".user_email")))];

    private static JsonElement Object(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object ? element : throw new CalendlyPayloadException(path, "must be an object");

    private static JsonElement? OptionalObject(JsonElement parent, string name, string path) =>
        Property(parent, name) switch
        {
            { ValueKind: JsonValueKind.Undefined } => null,
            { ValueKind: JsonValueKind.Object } value => value,
            _ => throw new CalendlyPayloadException(path, "must be an object"),
        };

    /// <summary>The objects of an optional array, each with its JSON path for error messages.</summary>
    private static List<(JsonElement Item, string Path)> Objects(JsonElement parent, string name, string path)
    {
        var array = Property(parent, name);
        return array.ValueKind switch
        {
            JsonValueKind.Undefined => [],
            JsonValueKind.Array => [.. array.EnumerateArray().Select((item, i) => (Object(item, $"{path}[{i}]"), $"{path}[{i}]"))],
            _ => throw new CalendlyPayloadException(path, "must be an array"),
        };
    }

    /// <summary>The property, or <c>default</c> (Undefined) when absent; JSON null counts as absent.</summary>
    private static JsonElement Property(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : default;

    private static string RequiredString(JsonElement parent, string name, string path) =>
        OptionalString(parent, name, path) ?? throw new CalendlyPayloadException(path, "required");

    /// <summary>A trimmed non-empty string, or null when absent, null or blank.</summary>
    private static string? OptionalString(JsonElement parent, string name, string path)
    {
        var value = Property(parent, name);
        return value.ValueKind switch
        {
            JsonValueKind.Undefined => null,
            JsonValueKind.String => value.GetString()!.Trim() is { Length: > 0 } text ? text : null,
            _ => throw new CalendlyPayloadException(path, "must be a string"),
        };
    }

    private static bool OptionalBool(JsonElement parent, string name, string path) =>
        Property(parent, name).ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.False => false,
            JsonValueKind.True => true,
            _ => throw new CalendlyPayloadException(path, "must be true or false"),
        };

    /// <summary>
    /// A meeting's time, within years Turtle can plan around: the plan subtracts lead times from it and adds delays, which
    /// near the ends of <see cref="DateTimeOffset"/> would overflow (found by the hostile-input tests: year 1 was a 500).
    /// </summary>
    private static DateTimeOffset? MeetingTime(DateTimeOffset? time, string path) =>
        time is { } t && (t < EarliestMeeting || t >= LatestMeeting)
            ? throw new CalendlyPayloadException(path, "must be between the years 1970 and 9000")
            : time;

    private static DateTimeOffset? OptionalDate(JsonElement parent, string name, string path)
    {
        var text = OptionalString(parent, name, path);
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new CalendlyPayloadException(path, "must be an ISO 8601 date and time");
    }
}
