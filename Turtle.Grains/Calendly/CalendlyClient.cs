using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Turtle.Grains.Calendly;

/// <summary>
/// Calendly API v2 as Turtle uses it: the current user, webhook subscriptions, scheduled events and their invitees.
/// Bearer auth with <c>Calendly:ApiToken</c>; 429s and 5xx are retried by the resilience handler it is registered
/// with (see <see cref="CalendlyServiceExtensions"/>); collections are read to the end through
/// <c>pagination.next_page_token</c>. A failure surfaces as <see cref="CalendlyApiException"/>.
/// </summary>
public sealed partial class CalendlyClient(HttpClient http, IOptions<CalendlyApiOptions> options, ILogger<CalendlyClient> logger)
{
    /// <summary>Calendly's largest page (<c>count</c> is 1 to 100).</summary>
    public const int MaxPageSize = 100;

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public bool IsConfigured => options.Value.IsConfigured;

    public async Task<CalendlyUser> GetCurrentUserAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync("users/me", CalendlyJsonContext.Default.CalendlyResourceCalendlyUser, cancellationToken)).Resource;

    /// <summary>Every organization-scope subscription of <paramref name="organization"/>, all pages.</summary>
    public async Task<IReadOnlyList<CalendlyWebhookSubscription>> ListWebhookSubscriptionsAsync(Uri organization, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var query = new QueryString().Add("organization", organization.ToString()).Add("scope", "organization");
        var subscriptions = new List<CalendlyWebhookSubscription>();
        await foreach (var subscription in PagesAsync("webhook_subscriptions", query, MaxPageSize, CalendlyJsonContext.Default.CalendlyPageCalendlyWebhookSubscription, cancellationToken))
        {
            subscriptions.Add(subscription);
        }
        return subscriptions;
    }

    /// <summary>Creates a subscription; a URL Calendly already has (409) comes back as <see cref="CalendlyWebhookCreation.AlreadyExists"/>.</summary>
    public async Task<CalendlyWebhookCreation> CreateWebhookSubscriptionAsync(CalendlyWebhookSubscriptionRequest subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhook_subscriptions")
        {
            Content = JsonContent.Create(subscription, CalendlyJsonContext.Default.CalendlyWebhookSubscriptionRequest),
        };
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var error = await ReadErrorAsync(response, cancellationToken) ?? new CalendlyError("Already Exists", null, null);
            LogAlreadyExists(subscription.Url, error);
            return new CalendlyWebhookCreation(null, error);
        }
        var created = await ReadSuccessAsync(response, request, CalendlyJsonContext.Default.CalendlyResourceCalendlyWebhookSubscription, cancellationToken);
        LogSubscribed(created.Resource.Uri, created.Resource.CallbackUrl);
        return new CalendlyWebhookCreation(created.Resource, null);
    }

    /// <summary>Deletes a subscription by its UUID (last segment of its URI); false when Calendly does not have it (404).</summary>
    public async Task<bool> DeleteWebhookSubscriptionAsync(string uuid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uuid);
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"webhook_subscriptions/{Uri.EscapeDataString(uuid)}");
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, request, cancellationToken);
        }
        LogUnsubscribed(uuid);
        return true;
    }

    /// <summary>
    /// Cancels the event (Calendly's Cancel Event, <c>POST /scheduled_events/{uuid}/cancellation</c>, answered 201;
    /// https://developer.calendly.com/api-docs/calendly-api/scheduled-events/create-scheduled-event-cancellation).
    /// Calendly then sends its own <c>invitee.canceled</c> webhook.
    /// </summary>
    /// <exception cref="CalendlyApiException">Calendly refused (403 for an event it will not cancel, 404 for one it does not have) or could not be reached.</exception>
    public async Task CancelEventAsync(string eventUuid, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventUuid);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"scheduled_events/{Uri.EscapeDataString(eventUuid)}/cancellation")
        {
            Content = JsonContent.Create(new CalendlyCancellationRequest(reason), CalendlyJsonContext.Default.CalendlyCancellationRequest),
        };
        using var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, request, cancellationToken);
        }
    }

    /// <summary>Scheduled events matching <paramref name="query"/>, every page, in Calendly's order.</summary>
    public IAsyncEnumerable<CalendlyScheduledEvent> ListScheduledEventsAsync(CalendlyEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new QueryString()
            .Add("organization", query.Organization.ToString())
            .Add("user", query.User?.ToString())
            .Add("status", query.Status)
            .Add("min_start_time", query.MinStartTime?.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture))
            .Add("max_start_time", query.MaxStartTime?.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        return PagesAsync("scheduled_events", parameters, query.PageSize, CalendlyJsonContext.Default.CalendlyPageCalendlyScheduledEvent, cancellationToken);
    }

    /// <summary>Invitees of one event (<paramref name="eventUuid"/>, the last segment of its URI), every page; <paramref name="status"/> narrows to <c>active</c> or <c>canceled</c>.</summary>
    public IAsyncEnumerable<CalendlyInvitee> ListInviteesAsync(string eventUuid, string? status = null, int pageSize = MaxPageSize, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventUuid);
        var parameters = new QueryString().Add("status", status);
        return PagesAsync($"scheduled_events/{Uri.EscapeDataString(eventUuid)}/invitees", parameters, pageSize, CalendlyJsonContext.Default.CalendlyPageCalendlyInvitee, cancellationToken);
    }

    private async IAsyncEnumerable<T> PagesAsync<T>(string path, QueryString query, int pageSize, JsonTypeInfo<CalendlyPage<T>> typeInfo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await GetAsync($"{path}?{query.Add("count", pageSize.ToString(CultureInfo.InvariantCulture)).Add("page_token", token)}", typeInfo, cancellationToken);
            foreach (var item in page.Collection ?? [])
            {
                yield return item;
            }
            token = page.Pagination?.NextPageToken;
            if (!string.IsNullOrEmpty(token) && !seen.Add(token))
            {
                throw new CalendlyApiException($"Calendly returned the page token of an earlier page of /{path} again; stopped reading.");
            }
        }
        while (!string.IsNullOrEmpty(token));
    }

    private async Task<T> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        using var response = await SendAsync(request, cancellationToken);
        return await ReadSuccessAsync(response, request, typeInfo, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            throw new InvalidOperationException($"{CalendlyApiOptions.ApiTokenKey} is not set: the Calendly API is not configured.");
        }
        request.Headers.Authorization = new("Bearer", settings.ApiToken);
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = ex is HttpRequestException ? ex.Message : $"no answer within {settings.RequestTimeout.TotalSeconds:0} s";
            LogUnreachable(request.Method.Method, PathOf(request), reason);
            throw new CalendlyApiException($"Calendly API at {settings.ApiBaseUrl} could not be reached for {request.Method} /{PathOf(request)}: {reason}.", null, null, ex);
        }
    }

    private async Task<T> ReadSuccessAsync<T>(HttpResponseMessage response, HttpRequestMessage request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, request, cancellationToken);
        }
        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new CalendlyApiException($"Calendly answered {request.Method} /{PathOf(request)} with HTTP {(int)response.StatusCode} and a body Turtle cannot read: {ex.Message}", response.StatusCode, null, ex);
        }
    }

    private async Task<CalendlyApiException> FailureAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = await ReadErrorAsync(response, cancellationToken);
        var said = error?.ToString() is { Length: > 0 } text ? text : response.ReasonPhrase ?? "no reason given";
        var path = PathOf(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            LogTokenRefused(status, said);
            return new CalendlyApiException(
                $"Calendly refused {CalendlyApiOptions.ApiTokenKey} (HTTP 401 {said}). Create a personal access token in Calendly (Integrations, API & Webhooks) and set {CalendlyApiOptions.ApiTokenKey}.",
                response.StatusCode, error);
        }
        LogRefused(request.Method.Method, path, status, said);
        var hint = response.StatusCode == HttpStatusCode.Forbidden
            ? " Organization-wide webhooks and events need the token of an organization owner or admin, on a plan that has webhooks."
            : "";
        return new CalendlyApiException($"Calendly answered {request.Method} /{path} with HTTP {status}: {said}.{hint}", response.StatusCode, error);
    }

    private static async Task<CalendlyError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(CalendlyJsonContext.Default.CalendlyError, cancellationToken);
        }
        catch (JsonException)
        {
            // A proxy answered (HTML, empty body): the status alone speaks.
            return null;
        }
    }

    /// <summary>The path without its query: queries name organizations and times, never secrets, but they are long.</summary>
    private static string PathOf(HttpRequestMessage request) =>
        request.RequestUri is { } uri ? uri.OriginalString.Split('?', 2)[0].TrimStart('/') : "";

    [LoggerMessage(Level = LogLevel.Information, Message = "Calendly webhook subscription {Subscription} created for {CallbackUrl}")]
    private partial void LogSubscribed(Uri subscription, Uri callbackUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calendly already has a webhook subscription for {CallbackUrl}: {Error}")]
    private partial void LogAlreadyExists(Uri callbackUrl, CalendlyError error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calendly webhook subscription {Uuid} deleted")]
    private partial void LogUnsubscribed(string uuid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendly refused {Method} /{Path} (HTTP {Status}): {Error}")]
    private partial void LogRefused(string method, string path, int status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendly API not reached for {Method} /{Path}: {Reason}")]
    private partial void LogUnreachable(string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "OPERATOR ACTION: Calendly refused the API token (HTTP {Status}): {Error}. Nothing is read from Calendly until Calendly:ApiToken is replaced.")]
    private partial void LogTokenRefused(int status, string error);

    /// <summary>An immutable query string; parameters without a value are left out.</summary>
    private readonly record struct QueryString(string? Text)
    {
        public QueryString Add(string name, string? value) =>
            string.IsNullOrEmpty(value) ? this : new(string.IsNullOrEmpty(Text) ? Pair(name, value) : $"{Text}&{Pair(name, value)}");

        public override string ToString() => Text ?? "";

        private static string Pair(string name, string value) => $"{name}={Uri.EscapeDataString(value)}";
    }
}
