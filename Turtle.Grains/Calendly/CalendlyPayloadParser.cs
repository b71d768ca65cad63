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
    public const string InviteeNoShowCreated = "invitee_no_show.created";
    public const string InviteeNoShowDeleted = "invitee_no_show.deleted";
}

public sealed record InviteeCreatedEvent(BookingDetails Booking) : CalendlyWebhookEvent(InviteeCreated);

public sealed record InviteeCanceledEvent(CancellationDetails Cancellation) : CalendlyWebhookEvent(InviteeCanceled);

/// <summary><c>invitee_no_show.created</c> or <c>.deleted</c>: the host marked the invitee a no-show, or took it back.</summary>
public sealed record InviteeNoShowEvent(NoShowMark Mark) : CalendlyWebhookEvent(Mark.NoShow ? InviteeNoShowCreated : InviteeNoShowDeleted);

/// <summary>An event type Turtle does not handle (routing forms, no-shows, ...).</summary>
public sealed record IgnoredEvent(string Type) : CalendlyWebhookEvent(Type);

/// <summary>The body is not a usable Calendly webhook; <see cref="Field"/> is the JSON path at fault.</summary>
public sealed class CalendlyPayloadException(string field, string problem)
    : FormatException($"{field}: {problem}")
{
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}

/// <summary>
/// Reads Calendly v2 <c>invitee.created</c> / <c>invitee.canceled</c> / <c>invitee_no_show.*</c> bodies into the grain contract. The payload is
/// Calendly's invitee resource with its scheduled event embedded: it is read, field by field with the JSON path of
/// anything wrong, into the API's own resources, and <see cref="CalendlyBookingMapper"/> makes the booking from them,
/// as reconciliation does from the API.
/// </summary>
public sealed class CalendlyPayloadParser(PhoneNumberNormalizer phones)
{
    private readonly CalendlyBookingMapper _mapper = new(phones);

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
            if (type is not (CalendlyWebhookEvent.InviteeCreated or CalendlyWebhookEvent.InviteeCanceled
                or CalendlyWebhookEvent.InviteeNoShowCreated or CalendlyWebhookEvent.InviteeNoShowDeleted))
            {
                return new IgnoredEvent(type);
            }
            var payload = OptionalObject(root, "payload", "payload") ?? throw new CalendlyPayloadException("payload", "required");
            var eventCreatedAt = OptionalDate(root, "created_at", "created_at");
            if (type is CalendlyWebhookEvent.InviteeNoShowCreated or CalendlyWebhookEvent.InviteeNoShowDeleted)
            {
                return new InviteeNoShowEvent(ParseNoShow(payload, type == CalendlyWebhookEvent.InviteeNoShowCreated, eventCreatedAt));
            }
            var invitee = ReadInvitee(payload, eventCreatedAt, canceled: type == CalendlyWebhookEvent.InviteeCanceled);
            var scheduled = ReadEvent(payload);
            return type == CalendlyWebhookEvent.InviteeCreated
                ? new InviteeCreatedEvent(_mapper.ToBooking(scheduled, invitee, BookingSources.Webhook))
                : new InviteeCanceledEvent(_mapper.ToCancellation(scheduled, invitee, BookingSources.Webhook));
        }
    }

    /// <summary>
    /// The invitee a no-show mark is about. Calendly sends the invitee itself (<c>uri</c> the invitee's, <c>no_show</c> the
    /// mark); a payload shaped as the InviteeNoShow resource (<c>uri</c> the mark's, <c>invitee</c> the invitee's) is read too.
    /// </summary>
    private static NoShowMark ParseNoShow(JsonElement payload, bool created, DateTimeOffset? eventCreatedAt)
    {
        var uri = RequiredString(payload, "uri", "payload.uri");
        var (inviteeUri, path) = InviteeId.FromInviteeUri(uri) is not null ? (uri, "payload.uri") : Property(payload, "invitee") switch
        {
            { ValueKind: JsonValueKind.String } invitee => (invitee.GetString()!, "payload.invitee"),
            { ValueKind: JsonValueKind.Object } invitee => (OptionalString(invitee, "uri", "payload.invitee.uri") ?? "", "payload.invitee.uri"),
            _ => (uri, "payload.uri"),
        };
        var inviteeId = InviteeId.FromInviteeUri(inviteeUri);
        var mark = OptionalObject(payload, "no_show", "payload.no_show");
        return new NoShowMark
        {
            InviteeId = inviteeId ?? throw new CalendlyPayloadException(path, CalendlyBookingMapper.NotAnInviteeUri),
            NoShow = created,
            // A removal happens when it is sent; a mark says when the host made it.
            At = (created && mark is { } made ? OptionalDate(made, "created_at", "payload.no_show.created_at") : null) ?? eventCreatedAt ?? default,
        };
    }

    private static CalendlyInvitee ReadInvitee(JsonElement payload, DateTimeOffset? eventCreatedAt, bool canceled)
    {
        var uri = RequiredString(payload, "uri", "payload.uri");
        if (InviteeId.FromInviteeUri(uri) is null || !Uri.TryCreate(uri, UriKind.RelativeOrAbsolute, out var inviteeUri))
        {
            throw new CalendlyPayloadException("payload.uri", CalendlyBookingMapper.NotAnInviteeUri);
        }
        var cancellation = OptionalObject(payload, "cancellation", "payload.cancellation");
        return new CalendlyInvitee(
            Uri: inviteeUri,
            Email: OptionalString(payload, "email", "payload.email"),
            Name: OptionalString(payload, "name", "payload.name"),
            FirstName: OptionalString(payload, "first_name", "payload.first_name"),
            LastName: OptionalString(payload, "last_name", "payload.last_name"),
            Status: OptionalString(payload, "status", "payload.status") ?? (canceled ? "canceled" : "active"),
            Timezone: OptionalString(payload, "timezone", "payload.timezone"),
            TextReminderNumber: OptionalString(payload, "text_reminder_number", "payload.text_reminder_number"),
            QuestionsAndAnswers: [.. Objects(payload, "questions_and_answers", "payload.questions_and_answers").Select((q, i) => new CalendlyQuestionAndAnswer(
                OptionalString(q.Item, "question", q.Path + ".question") ?? "", OptionalString(q.Item, "answer", q.Path + ".answer"), i))],
            CancelUrl: OptionalUri(payload, "cancel_url", "payload.cancel_url"),
            RescheduleUrl: OptionalUri(payload, "reschedule_url", "payload.reschedule_url"),
            OldInvitee: OptionalUri(payload, "old_invitee", "payload.old_invitee"),
            NewInvitee: OptionalUri(payload, "new_invitee", "payload.new_invitee"),
            Rescheduled: OptionalBool(payload, "rescheduled", "payload.rescheduled"),
            // A cancel without its own time is dated by the delivery.
            Cancellation: canceled
                ? new CalendlyCancellation(
                    cancellation is { } by ? OptionalString(by, "canceled_by", "payload.cancellation.canceled_by") : null,
                    cancellation is { } reason ? OptionalString(reason, "reason", "payload.cancellation.reason") : null,
                    cancellation is { } type ? OptionalString(type, "canceler_type", "payload.cancellation.canceler_type") : null,
                    (cancellation is { } at ? OptionalDate(at, "created_at", "payload.cancellation.created_at") : null) ?? eventCreatedAt)
                : null,
            Event: OptionalUri(payload, "event", "payload.event"),
            CreatedAt: OptionalDate(payload, "created_at", "payload.created_at") ?? eventCreatedAt ?? default,
            UpdatedAt: null);
    }

    private static CalendlyScheduledEvent ReadEvent(JsonElement payload)
    {
        var scheduled = OptionalObject(payload, "scheduled_event", "payload.scheduled_event")
            ?? throw new CalendlyPayloadException("payload.scheduled_event", "required");
        var start = MeetingTime(OptionalDate(scheduled, "start_time", "payload.scheduled_event.start_time"), "payload.scheduled_event.start_time")
            ?? throw new CalendlyPayloadException("payload.scheduled_event.start_time", "required");
        var location = OptionalObject(scheduled, "location", "payload.scheduled_event.location") is { } place
            ? new CalendlyLocation(
                OptionalString(place, "type", "payload.scheduled_event.location.type"),
                OptionalString(place, "location", "payload.scheduled_event.location.location"),
                OptionalString(place, "join_url", "payload.scheduled_event.location.join_url"))
            : null;
        return new CalendlyScheduledEvent(
            // No URI in the event: the booking names none (the mapper falls back to payload.event).
            Uri: OptionalUri(scheduled, "uri", "payload.scheduled_event.uri") ?? new Uri("", UriKind.Relative),
            Name: OptionalString(scheduled, "name", "payload.scheduled_event.name"),
            Status: OptionalString(scheduled, "status", "payload.scheduled_event.status") ?? "active",
            StartTime: start,
            EndTime: MeetingTime(OptionalDate(scheduled, "end_time", "payload.scheduled_event.end_time"), "payload.scheduled_event.end_time")
                ?? throw new CalendlyPayloadException("payload.scheduled_event.end_time", "required"),
            EventType: null,
            Location: location,
            EventMemberships: [.. Objects(scheduled, "event_memberships", "payload.scheduled_event.event_memberships").Select(m => new CalendlyEventMembership(
                OptionalUri(m.Item, "user", m.Path + ".user"), OptionalString(m.Item, "user_email", m.Path + ".user_email"), null))],
            Cancellation: null,
            CreatedAt: null,
            UpdatedAt: null);
    }

    /// <summary>An optional string kept as Calendly wrote it; text that is no URI at all is left out.</summary>
    private static Uri? OptionalUri(JsonElement parent, string name, string path) =>
        OptionalString(parent, name, path) is { } text && Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var uri) ? uri : null;

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
    /// near the ends of <see cref="DateTimeOffset"/> would overflow (a year-1 start would be a 500, not a refusal).
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
