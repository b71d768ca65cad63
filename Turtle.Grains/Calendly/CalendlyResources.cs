using System.Text.Json.Serialization;

namespace Turtle.Grains.Calendly;

// Calendly API v2 resources, named as Calendly names them (snake_case on the wire), keeping what Turtle reads:
// set-up needs the user and webhook subscriptions, reconciliation the scheduled events and their invitees.

/// <summary><c>GET /users/me</c>: who the token belongs to and the organization it acts in.</summary>
public sealed record CalendlyUser(Uri Uri, string? Name, string? Email, string? Timezone, Uri CurrentOrganization);

/// <summary>A webhook subscription; <see cref="State"/> is <c>active</c> or <c>disabled</c> (Calendly gave up after 24 h of failed deliveries).</summary>
public sealed record CalendlyWebhookSubscription(
    Uri Uri,
    Uri CallbackUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? RetryStartedAt,
    string State,
    IReadOnlyList<string> Events,
    string Scope,
    Uri Organization,
    Uri? User,
    Uri? Creator)
{
    public const string Active = "active";
    public const string Disabled = "disabled";

    [JsonIgnore]
    public string Uuid => CalendlyUris.LastSegment(Uri);

    [JsonIgnore]
    public bool IsDisabled => string.Equals(State, Disabled, StringComparison.Ordinal);
}

/// <summary>A scheduled event (the meeting); <see cref="Status"/> is <c>active</c> or <c>canceled</c>.</summary>
public sealed record CalendlyScheduledEvent(
    Uri Uri,
    string? Name,
    string Status,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    Uri? EventType,
    CalendlyLocation? Location,
    IReadOnlyList<CalendlyEventMembership>? EventMemberships,
    CalendlyCancellation? Cancellation,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt)
{
    [JsonIgnore]
    public string Uuid => CalendlyUris.LastSegment(Uri);
}

/// <summary>Where the meeting happens: <c>type</c> (<c>physical</c>, <c>google_conference</c>, <c>zoom</c>, …), a place or a join URL.</summary>
public sealed record CalendlyLocation(string? Type, string? Location, string? JoinUrl);

/// <summary>A host of the event.</summary>
public sealed record CalendlyEventMembership(Uri? User, string? UserEmail, string? UserName);

/// <summary>One person booked on an event; <see cref="Status"/> is <c>active</c> or <c>canceled</c>.</summary>
public sealed record CalendlyInvitee(
    Uri Uri,
    string? Email,
    string? Name,
    string? FirstName,
    string? LastName,
    string Status,
    string? Timezone,
    string? TextReminderNumber,
    IReadOnlyList<CalendlyQuestionAndAnswer>? QuestionsAndAnswers,
    Uri? CancelUrl,
    Uri? RescheduleUrl,
    Uri? OldInvitee,
    Uri? NewInvitee,
    bool Rescheduled,
    CalendlyCancellation? Cancellation,
    Uri? Event,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt)
{
    [JsonIgnore]
    public string Uuid => CalendlyUris.LastSegment(Uri);
}

public sealed record CalendlyQuestionAndAnswer(string Question, string? Answer, int Position);

/// <summary><c>canceler_type</c> is <c>host</c> or <c>invitee</c>.</summary>
public sealed record CalendlyCancellation(string? CanceledBy, string? Reason, string? CancelerType, DateTimeOffset? CreatedAt);

/// <summary>The body of <c>POST /webhook_subscriptions</c>.</summary>
public sealed record CalendlyWebhookSubscriptionRequest(Uri Url, IReadOnlyList<string> Events, Uri Organization, string Scope, string? SigningKey, Uri? User = null);

/// <summary>What a create answered: the new subscription, or Calendly's 409 for a URL it already has.</summary>
public sealed record CalendlyWebhookCreation(CalendlyWebhookSubscription? Created, CalendlyError? AlreadyExists)
{
    [JsonIgnore]
    public bool IsDuplicate => AlreadyExists is not null;
}

/// <summary>Filters of <c>GET /scheduled_events</c>; times are sent in UTC as Calendly asks.</summary>
public sealed record CalendlyEventQuery(Uri Organization, DateTimeOffset? MinStartTime = null, DateTimeOffset? MaxStartTime = null, string? Status = null, Uri? User = null, int PageSize = 100);

/// <summary>The body of Calendly's Cancel Event (<c>POST /scheduled_events/{uuid}/cancellation</c>): an optional reason.</summary>
internal sealed record CalendlyCancellationRequest(string? Reason);

/// <summary>Calendly's error body: <c>title</c>, <c>message</c> and, for invalid arguments, one entry per <c>parameter</c>.</summary>
public sealed record CalendlyError(string? Title, string? Message, IReadOnlyList<CalendlyErrorDetail>? Details)
{
    public override string ToString()
    {
        var text = string.Join(": ", new[] { Title, Message }.Where(s => !string.IsNullOrEmpty(s)));
        return Details is { Count: > 0 } details
            ? $"{text} ({string.Join("; ", details.Select(d => d.Parameter is null ? d.Message : $"{d.Parameter} {d.Message}"))})"
            : text;
    }
}

public sealed record CalendlyErrorDetail(string? Parameter, string? Message);

/// <summary>A page of a collection; the client follows <see cref="CalendlyPagination.NextPageToken"/>.</summary>
internal sealed record CalendlyPage<T>(IReadOnlyList<T>? Collection, CalendlyPagination? Pagination);

internal sealed record CalendlyPagination(int Count, Uri? NextPage, Uri? PreviousPage, string? NextPageToken, string? PreviousPageToken);

internal sealed record CalendlyResource<T>(T Resource);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CalendlyResource<CalendlyUser>))]
[JsonSerializable(typeof(CalendlyResource<CalendlyWebhookSubscription>))]
[JsonSerializable(typeof(CalendlyResource<CalendlyScheduledEvent>))]
[JsonSerializable(typeof(CalendlyPage<CalendlyWebhookSubscription>))]
[JsonSerializable(typeof(CalendlyPage<CalendlyScheduledEvent>))]
[JsonSerializable(typeof(CalendlyPage<CalendlyInvitee>))]
[JsonSerializable(typeof(CalendlyWebhookSubscriptionRequest))]
[JsonSerializable(typeof(CalendlyError))]
[JsonSerializable(typeof(CalendlyCancellationRequest))]
internal sealed partial class CalendlyJsonContext : JsonSerializerContext;

public static class CalendlyUris
{
    /// <summary>The event's UUID in an invitee URI (<c>…/scheduled_events/{event uuid}/invitees/{invitee uuid}</c>); null for another shape.</summary>
    public static string? EventOfInvitee(string? inviteeUri)
    {
        var segments = inviteeUri?.TrimEnd('/').Split('/') ?? [];
        var at = Array.LastIndexOf(segments, "scheduled_events");
        return at >= 0 && at + 3 < segments.Length && segments[at + 2] == "invitees" && segments[at + 1].Length > 0 ? segments[at + 1] : null;
    }

    /// <summary>The UUID at the end of a resource URI (<c>…/scheduled_events/{uuid}</c>).</summary>
    public static string LastSegment(Uri uri) =>
        uri.IsAbsoluteUri ? uri.Segments[^1].TrimEnd('/') : uri.OriginalString.TrimEnd('/').Split('/')[^1];
}
