using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turtle.Testing.Calendly;

/// <summary>
/// Calendly API v2 on 127.0.0.1: <c>/users/me</c>, <c>/webhook_subscriptions</c>, <c>/scheduled_events</c> and their
/// invitees, with Calendly's bodies (<c>resource</c>, <c>collection</c> + <c>pagination</c>), its error shape
/// (<c>title</c>, <c>message</c>, <c>details</c>), bearer auth and token paging. Tests seed events and invitees,
/// disable subscriptions, script 429s and 5xx, and read every request.
/// </summary>
public sealed class FakeCalendlyApi(string apiToken = FakeCalendlyApi.DefaultApiToken, TimeProvider? timeProvider = null) : IAsyncDisposable
{
    public const string DefaultApiToken = "test-calendly-token";
    public const string UserUuid = "6f1c2a7e-3b1d-4c5e-9a0b-1d2e3f405162";
    public const string OrganizationUuid = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";
    public const string UserName = "Turtle Operations";
    public const string UserEmail = "operations@turtle.example";

    private static readonly string[] KnownEvents =
        ["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted", "routing_form_submission.created", "event_type.created", "event_type.updated", "event_type.deleted"];

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _subscriptions = [];
    private readonly Dictionary<string, string?> _signingKeys = [];
    private readonly List<string> _posted = [];
    private readonly List<FakeEvent> _events = [];
    private readonly List<FakeCalendlyRequest> _requests = [];
    private readonly List<CalendlyFault> _faults = [];
    private readonly ConcurrentDictionary<string, (string Query, int Offset)> _pageTokens = new();
    private WebApplication? _app;
    private long _clock;
    private int _passBeforeHold = -1;
    private int _held;
    private TaskCompletionSource _release = NewRelease();

    public string ApiToken { get; } = apiToken;

    /// <summary>What <c>Calendly:ApiBaseUrl</c> should be set to; resource URIs are under it too.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public Uri UserUri => Resource("users", UserUuid);

    /// <summary>The URI of an invitee as this fake names it (<c>old_invitee</c> of a reschedule points at one).</summary>
    public Uri InviteeUri(string eventUuid, string inviteeUuid) => Resource($"scheduled_events/{eventUuid}/invitees", inviteeUuid);
    public Uri OrganizationUri => Resource("organizations", OrganizationUuid);

    /// <summary>Every request so far, oldest first.</summary>
    public IReadOnlyList<FakeCalendlyRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The raw bodies of every <c>POST /webhook_subscriptions</c>, accepted or not.</summary>
    public IReadOnlyList<string> PostedSubscriptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _posted];
            }
        }
    }

    /// <summary>The subscriptions Calendly holds now.</summary>
    public IReadOnlyList<FakeWebhookSubscription> Subscriptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions.Select(Snapshot)];
            }
        }
    }

    public async Task<FakeCalendlyApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Use(GateAsync);
        _app.MapGet("/users/me", () => Json(200, new JsonObject { ["resource"] = CurrentUser() }));
        _app.MapGet("/webhook_subscriptions", ListSubscriptions);
        _app.MapPost("/webhook_subscriptions", CreateSubscriptionAsync);
        _app.MapGet("/webhook_subscriptions/{uuid}", GetSubscription);
        _app.MapDelete("/webhook_subscriptions/{uuid}", DeleteSubscription);
        _app.MapGet("/scheduled_events", ListEvents);
        _app.MapGet("/scheduled_events/{uuid}", GetEvent);
        _app.MapGet("/scheduled_events/{uuid}/invitees", ListInvitees);
        _app.MapPost("/scheduled_events/{uuid}/cancellation", CancelEventAsync);
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Urls.First());
        return this;
    }

    /// <summary>
    /// The next <paramref name="count"/> requests get <paramref name="status"/> (429 with <c>Retry-After</c> when given):
    /// any request, or only those whose path and query contain <paramref name="whereContains"/> (e.g. <c>page_token=</c>
    /// for a page after the first).
    /// </summary>
    public void FailNext(int count, int status, TimeSpan? retryAfter = null, string? whereContains = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _faults.Add(new CalendlyFault(status, retryAfter, whereContains));
            }
        }
    }

    /// <summary>
    /// Lets the next <paramref name="requests"/> requests through, then holds every later one unanswered until
    /// <see cref="Release"/>: Calendly gone quiet mid-run, so a test can act while its caller waits.
    /// </summary>
    public void HoldAfter(int requests)
    {
        lock (_gate)
        {
            _passBeforeHold = requests;
            _release = NewRelease();
        }
    }

    /// <summary>Requests waiting now because of <see cref="HoldAfter"/>.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Answers the held requests and stops holding.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _passBeforeHold = -1;
            _release.TrySetResult();
        }
    }

    /// <summary>Forgets every scheduled event and invitee (subscriptions and recorded requests stay).</summary>
    public void ClearEvents()
    {
        lock (_gate)
        {
            _events.Clear();
        }
    }

    /// <summary>
    /// The webhook Calendly sends for an invitee it holds (<c>invitee.created</c> or <c>invitee.canceled</c>): the
    /// invitee resource as the API shows it, with its scheduled event embedded as <c>scheduled_event</c>.
    /// </summary>
    public string WebhookBody(string eventType, string eventUuid, string inviteeUuid)
    {
        lock (_gate)
        {
            var scheduled = FindEvent(eventUuid) ?? throw new InvalidOperationException($"No event {eventUuid}.");
            var invitee = scheduled.Invitees.FirstOrDefault(i => ((string)i["uri"]!).EndsWith("/" + inviteeUuid, StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"No invitee {inviteeUuid} on event {eventUuid}.");
            var payload = (JsonObject)invitee.DeepClone();
            payload["scheduled_event"] = scheduled.Resource.DeepClone();
            return new JsonObject
            {
                ["event"] = eventType,
                ["created_at"] = Time(_time.GetUtcNow()),
                ["created_by"] = UserUri.ToString(),
                ["payload"] = payload,
            }.ToJsonString();
        }
    }

    /// <summary>A subscription made elsewhere (another tool, the Calendly UI), as if it had existed all along.</summary>
    public FakeWebhookSubscription SeedSubscription(string callbackUrl, IReadOnlyList<string>? events = null, string scope = "organization", string state = "active")
    {
        lock (_gate)
        {
            var subscription = NewSubscription(callbackUrl, events ?? ["invitee.created", "invitee.canceled"], scope, signingKey: null);
            subscription["state"] = state;
            return Snapshot(subscription);
        }
    }

    /// <summary>What Calendly does after 24 hours of failed deliveries: the subscription is <c>disabled</c>, <c>retry_started_at</c> set.</summary>
    public void DisableSubscription(string callbackUrl)
    {
        lock (_gate)
        {
            var subscription = _subscriptions.FirstOrDefault(s => (string?)s["callback_url"] == callbackUrl)
                ?? throw new InvalidOperationException($"No subscription to {callbackUrl}.");
            var now = _time.GetUtcNow();
            subscription["state"] = "disabled";
            subscription["retry_started_at"] = Time(now - TimeSpan.FromHours(24));
            subscription["updated_at"] = Time(now);
        }
    }

    /// <summary>A scheduled event of the organization with one host; returns its UUID (<paramref name="uuid"/> when given).</summary>
    public string SeedEvent(DateTimeOffset start, TimeSpan? duration = null, string status = "active", string name = "Financial planning consultation",
        string hostEmail = "priya.sharma@turtle.example", string hostName = "Priya Sharma", string? joinUrl = "https://meet.google.com/abc-defg-hij", string? uuid = null)
    {
        uuid ??= Guid.NewGuid().ToString();
        var created = Time(Tick());
        var resource = new JsonObject
        {
            ["uri"] = Resource("scheduled_events", uuid).ToString(),
            ["name"] = name,
            ["meeting_notes_plain"] = null,
            ["meeting_notes_html"] = null,
            ["status"] = status,
            ["start_time"] = Time(start),
            ["end_time"] = Time(start + (duration ?? TimeSpan.FromMinutes(30))),
            ["event_type"] = Resource("event_types", "4d3c2b1a-0f9e-4d8c-b7a6-958473625140").ToString(),
            ["location"] = joinUrl is null
                ? new JsonObject { ["type"] = "physical", ["location"] = "Turtle office" }
                : new JsonObject { ["type"] = "google_conference", ["status"] = "pushed", ["join_url"] = joinUrl },
            ["invitees_counter"] = new JsonObject { ["total"] = 0, ["active"] = 0, ["limit"] = 1 },
            ["created_at"] = created,
            ["updated_at"] = created,
            ["event_memberships"] = new JsonArray(new JsonObject
            {
                ["user"] = Resource("users", HostUuid(hostEmail)).ToString(),
                ["user_email"] = hostEmail,
                ["user_name"] = hostName,
            }),
            ["event_guests"] = new JsonArray(),
            ["calendar_event"] = null,
        };
        lock (_gate)
        {
            _events.Add(new FakeEvent(uuid, resource, []));
        }
        return uuid;
    }

    /// <summary>An invitee of <paramref name="eventUuid"/>; returns its UUID (the booking's id in Turtle; <paramref name="uuid"/> when given).</summary>
    public string SeedInvitee(string eventUuid, string name = "Asha Rao", string? email = null, string? phone = "+91 98765 43210",
        string timezone = "Asia/Kolkata", string status = "active", string? oldInviteeUri = null, IReadOnlyList<KeyValuePair<string, string>>? answers = null,
        string? uuid = null)
    {
        uuid ??= Guid.NewGuid().ToString();
        var created = Time(Tick());
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        var invitee = new JsonObject
        {
            ["uri"] = InviteeUri(eventUuid, uuid).ToString(),
            ["email"] = email ?? $"{name.Split(' ')[0].ToLowerInvariant()}.{uuid[..8]}@example.com",
            ["first_name"] = space < 0 ? name : name[..space],
            ["last_name"] = space < 0 ? null : name[(space + 1)..],
            ["name"] = name,
            ["status"] = status,
            ["questions_and_answers"] = new JsonArray([.. (answers ?? []).Select((a, i) => (JsonNode)new JsonObject { ["question"] = a.Key, ["answer"] = a.Value, ["position"] = i })]),
            ["timezone"] = timezone,
            ["event"] = Resource("scheduled_events", eventUuid).ToString(),
            ["created_at"] = created,
            ["updated_at"] = created,
            ["tracking"] = new JsonObject { ["utm_campaign"] = null, ["utm_source"] = null, ["utm_medium"] = null, ["utm_content"] = null, ["utm_term"] = null, ["salesforce_uuid"] = null },
            ["text_reminder_number"] = phone,
            ["rescheduled"] = false,
            ["old_invitee"] = oldInviteeUri,
            ["new_invitee"] = null,
            ["cancel_url"] = $"https://calendly.com/cancellations/{uuid}",
            ["reschedule_url"] = $"https://calendly.com/reschedulings/{uuid}",
            ["routing_form_submission"] = null,
            ["payment"] = null,
            ["no_show"] = null,
            ["reconfirmation"] = null,
        };
        lock (_gate)
        {
            var scheduled = FindEvent(eventUuid) ?? throw new InvalidOperationException($"No event {eventUuid}; seed it first.");
            scheduled.Invitees.Add(invitee);
            if (status == "canceled")
            {
                invitee["cancellation"] = Cancellation(name, "Something came up", "invitee");
            }
            Count(scheduled);
        }
        return uuid;
    }

    /// <summary>Cancels the event and every invitee on it, as a host or invitee cancelling a one-on-one meeting does.</summary>
    public void CancelEvent(string eventUuid, string reason = "Something came up", string cancelerType = "invitee", bool rescheduled = false)
    {
        lock (_gate)
        {
            var scheduled = FindEvent(eventUuid) ?? throw new InvalidOperationException($"No event {eventUuid}.");
            var now = Time(_time.GetUtcNow());
            foreach (var invitee in scheduled.Invitees)
            {
                invitee["status"] = "canceled";
                invitee["rescheduled"] = rescheduled;
                invitee["updated_at"] = now;
                invitee["cancellation"] = Cancellation((string?)invitee["name"] ?? "", reason, cancelerType);
            }
            scheduled.Resource["status"] = "canceled";
            scheduled.Resource["updated_at"] = now;
            scheduled.Resource["cancellation"] = Cancellation((string?)scheduled.Invitees.FirstOrDefault()?["name"] ?? "", reason, cancelerType);
            Count(scheduled);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Records every request; answers 401 without the right bearer token and plays scripted faults before any route.</summary>
    private async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        request.EnableBuffering();
        var body = await new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true).ReadToEndAsync(context.RequestAborted);
        request.Body.Position = 0;
        var authorized = request.Headers.Authorization.ToString() == $"Bearer {ApiToken}";
        var target = $"{request.Path}{request.QueryString}";
        CalendlyFault? fault = null;
        Task? hold = null;
        lock (_gate)
        {
            if (authorized && _faults.FirstOrDefault(f => f.WhereContains is null || target.Contains(f.WhereContains, StringComparison.Ordinal)) is { } scripted)
            {
                _faults.Remove(scripted);
                fault = scripted;
            }
            if (_passBeforeHold == 0)
            {
                hold = _release.Task;
            }
            else if (_passBeforeHold > 0)
            {
                _passBeforeHold--;
            }
        }
        if (hold is not null)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await hold.WaitAsync(context.RequestAborted);
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }

        if (!authorized)
        {
            // Calendly's UNAUTHENTICATED answer.
            await Json(401, Error("Unauthenticated", "The access token is invalid")).ExecuteAsync(context);
        }
        else if (fault is not null)
        {
            await PlayAsync(context, fault);
        }
        else
        {
            await next(context);
        }
        lock (_gate)
        {
            _requests.Add(new FakeCalendlyRequest(_time.GetUtcNow(), request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", authorized, context.Response.StatusCode, body));
        }
    }

    private static Task PlayAsync(HttpContext context, CalendlyFault fault)
    {
        var headers = context.Response.Headers;
        if (fault.RetryAfter is { } retryAfter)
        {
            headers.RetryAfter = Seconds(retryAfter);
        }
        if (fault.Status == 429)
        {
            // The headers Calendly documents on every answer; on a 429 the window resets when the scripted limit ends.
            headers["X-RateLimit-Limit"] = "500";
            headers["X-RateLimit-Remaining"] = "0";
            headers["X-RateLimit-Reset"] = Seconds(fault.RetryAfter ?? TimeSpan.FromSeconds(1));
        }
        var (title, message) = fault.Status switch
        {
            429 => ("Too Many Requests", "The rate limit has been exceeded. Please try again later."),
            >= 500 => ("Internal Server Error", "The server encountered an unexpected condition that prevented it from fulfilling the request."),
            _ => ("Error", "Scripted failure."),
        };
        return Json(fault.Status, Error(title, message)).ExecuteAsync(context);
    }

    private IResult ListSubscriptions(HttpRequest request)
    {
        var query = request.Query;
        var organization = query["organization"].ToString();
        var scope = query["scope"].ToString();
        var invalid = new List<(string, string)>();
        if (OwnerProblem(organization, scope, query["user"].ToString(), invalid, "You do not have permission") is { } refused)
        {
            return refused;
        }
        lock (_gate)
        {
            IEnumerable<JsonObject> matching = _subscriptions
                .Where(s => (string?)s["scope"] == scope && (scope != "user" || (string?)s["user"] == query["user"].ToString()))
                .OrderBy(s => (string?)s["created_at"], StringComparer.Ordinal);
            if (query["sort"].ToString() == "created_at:desc")
            {
                matching = matching.Reverse();
            }
            return Page(request, [.. matching.Select(Public)]);
        }
    }

    private async Task<IResult> CreateSubscriptionAsync(HttpRequest request)
    {
        var raw = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync(request.HttpContext.RequestAborted);
        lock (_gate)
        {
            _posted.Add(raw);
        }
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(raw) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            return InvalidArgument(("body", "must be a JSON object"));
        }
        var url = Text(body["url"]);
        var events = body["events"] is JsonArray list ? list.Select(Text).ToList() : null;
        var organization = Text(body["organization"]);
        var scope = Text(body["scope"]);
        var invalid = new List<(string, string)>();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var callback) || callback.Scheme is not ("https" or "http"))
        {
            invalid.Add(("url", "must be a valid URL"));
        }
        if (events is null || events.Count == 0 || events.Any(e => e is null || !KnownEvents.Contains(e)) || events.Distinct().Count() != events.Count)
        {
            invalid.Add(("events", $"must be a list of distinct events among {string.Join(", ", KnownEvents)}"));
        }
        if (OwnerProblem(organization, scope, Text(body["user"]), invalid, "You do not have permission to access this resource.") is { } refused)
        {
            return refused;
        }
        lock (_gate)
        {
            if (_subscriptions.Any(s => (string?)s["callback_url"] == url))
            {
                return Json(409, Error("Already Exists", "Hook with this url already exists"));
            }
            var subscription = NewSubscription(url!, events!.Select(e => e!).ToList(), scope!, Text(body["signing_key"]));
            return Json(201, new JsonObject { ["resource"] = Public(subscription) });
        }
    }

    private IResult GetSubscription(string uuid)
    {
        lock (_gate)
        {
            return FindSubscription(uuid) is { } subscription ? Json(200, new JsonObject { ["resource"] = Public(subscription) }) : NotFound();
        }
    }

    private IResult DeleteSubscription(string uuid)
    {
        lock (_gate)
        {
            if (FindSubscription(uuid) is not { } subscription)
            {
                return NotFound();
            }
            _subscriptions.Remove(subscription);
            return Results.StatusCode(204);
        }
    }

    private IResult ListEvents(HttpRequest request)
    {
        var query = request.Query;
        var organization = query["organization"].ToString();
        var user = query["user"].ToString();
        var status = query["status"].ToString();
        var invalid = new List<(string, string)>();
        if (organization.Length == 0 && user.Length == 0)
        {
            invalid.Add(("organization", "or user is required"));
        }
        if (status.Length > 0 && status is not ("active" or "canceled"))
        {
            invalid.Add(("status", "must be active or canceled"));
        }
        var min = ParseTime(query["min_start_time"].ToString(), "min_start_time", invalid);
        var max = ParseTime(query["max_start_time"].ToString(), "max_start_time", invalid);
        if (invalid.Count > 0)
        {
            return InvalidArgument([.. invalid]);
        }
        if (organization.Length > 0 && organization != OrganizationUri.ToString())
        {
            return PermissionDenied("You do not have permission to access this resource.");
        }
        lock (_gate)
        {
            IEnumerable<JsonObject> matching = _events.Select(e => e.Resource)
                .Where(e => status.Length == 0 || (string?)e["status"] == status)
                .Where(e => min is null || StartOf(e) >= min)
                .Where(e => max is null || StartOf(e) < max)
                .Where(e => user.Length == 0 || e["event_memberships"]!.AsArray().Any(m => (string?)m?["user"] == user))
                .OrderBy(StartOf);
            if (query["sort"].ToString() == "start_time:desc")
            {
                matching = matching.Reverse();
            }
            return Page(request, [.. matching.Select(e => e.DeepClone())]);
        }
    }

    private IResult GetEvent(string uuid)
    {
        lock (_gate)
        {
            return FindEvent(uuid) is { } found ? Json(200, new JsonObject { ["resource"] = found.Resource.DeepClone() }) : NotFound();
        }
    }

    /// <summary>
    /// Calendly's Cancel Event (https://developer.calendly.com/api-docs/calendly-api/scheduled-events/create-scheduled-event-cancellation):
    /// body <c>{ "reason" }</c> (optional, at most 10,000 characters), answered 201 with the Cancellation resource; the
    /// reference lists 403 and 404 without their texts, so the 403 for an event already cancelled or already begun, and
    /// its message, are a guess.
    /// </summary>
    private async Task<IResult> CancelEventAsync(HttpRequest request, string uuid)
    {
        var raw = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync(request.HttpContext.RequestAborted);
        string? reason;
        try
        {
            reason = raw.Length == 0 ? null : Text((JsonNode.Parse(raw) as JsonObject)?["reason"]);
        }
        catch (JsonException)
        {
            return InvalidArgument(("reason", "must be a string"));
        }
        if (reason is { Length: > 10_000 })
        {
            return InvalidArgument(("reason", "must be at most 10000 characters"));
        }
        lock (_gate)
        {
            if (FindEvent(uuid) is not { } found)
            {
                return NotFound();
            }
            if ((string?)found.Resource["status"] == "canceled")
            {
                return PermissionDenied("Event is already canceled.");
            }
            if (StartOf(found.Resource) <= _time.GetUtcNow())
            {
                return PermissionDenied("Event is in the past.");
            }
        }
        CancelEvent(uuid, reason ?? "", cancelerType: "host");
        return Json(201, new JsonObject { ["resource"] = Cancellation(UserName, reason ?? "", "host") });
    }

    private IResult ListInvitees(HttpRequest request, string uuid)
    {
        var status = request.Query["status"].ToString();
        var email = request.Query["email"].ToString();
        if (status.Length > 0 && status is not ("active" or "canceled"))
        {
            return InvalidArgument(("status", "must be active or canceled"));
        }
        lock (_gate)
        {
            if (FindEvent(uuid) is not { } found)
            {
                return NotFound();
            }
            IEnumerable<JsonObject> matching = found.Invitees
                .Where(i => status.Length == 0 || (string?)i["status"] == status)
                .Where(i => email.Length == 0 || string.Equals((string?)i["email"], email, StringComparison.OrdinalIgnoreCase));
            if (request.Query["sort"].ToString() == "created_at:desc")
            {
                matching = matching.Reverse();
            }
            return Page(request, [.. matching.Select(i => i.DeepClone())]);
        }
    }

    /// <summary>One page of <paramref name="items"/> as <c>count</c> and <c>page_token</c> ask; tokens are opaque and tied to the query they came from.</summary>
    private IResult Page(HttpRequest request, IReadOnlyList<JsonNode> items)
    {
        var countText = request.Query["count"].ToString();
        var count = 20;
        if (countText.Length > 0 && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 100))
        {
            return InvalidArgument(("count", "must be a number between 1 and 100"));
        }
        var filters = string.Join("&", request.Query.Where(q => q.Key is not ("page_token" or "count")).OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"));
        var signature = $"{request.Path}?{filters}";
        var offset = 0;
        var pageToken = request.Query["page_token"].ToString();
        if (pageToken.Length > 0)
        {
            if (!_pageTokens.TryGetValue(pageToken, out var cursor) || cursor.Query != signature)
            {
                return InvalidArgument(("page_token", "is invalid"));
            }
            offset = cursor.Offset;
        }
        var page = items.Skip(offset).Take(count).ToList();
        var next = offset + count < items.Count ? Token(signature, offset + count) : null;
        var previous = offset > 0 ? Token(signature, Math.Max(0, offset - count)) : null;
        return Json(200, new JsonObject
        {
            ["collection"] = new JsonArray([.. page]),
            ["pagination"] = new JsonObject
            {
                ["count"] = page.Count,
                ["next_page"] = next is null ? null : PageUrl(request, count, next),
                ["previous_page"] = previous is null ? null : PageUrl(request, count, previous),
                ["next_page_token"] = next,
                ["previous_page_token"] = previous,
            },
        });
    }

    private string Token(string signature, int offset)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _pageTokens[token] = (signature, offset);
        return token;
    }

    private string PageUrl(HttpRequest request, int count, string token)
    {
        var others = request.Query.Where(q => q.Key is not ("page_token" or "count")).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}");
        return new Uri(BaseUrl, $"{request.Path}?{string.Join("&", [.. others, $"count={count}", $"page_token={token}"])}").ToString();
    }

    /// <summary>Checks who a subscription belongs to (organization, scope, user) as list and create both do, after the request's other checks.</summary>
    private IResult? OwnerProblem(string? organization, string? scope, string? user, List<(string, string)> invalid, string denied)
    {
        if (string.IsNullOrEmpty(organization))
        {
            invalid.Add(("organization", "is required"));
        }
        if (scope is not ("organization" or "user" or "group"))
        {
            invalid.Add(("scope", "must be one of organization, user, group"));
        }
        if (scope == "user" && string.IsNullOrEmpty(user))
        {
            invalid.Add(("user", "is required when scope is user"));
        }
        if (invalid.Count > 0)
        {
            return InvalidArgument([.. invalid]);
        }
        return organization != OrganizationUri.ToString() ? PermissionDenied(denied) : null;
    }

    private JsonObject NewSubscription(string callbackUrl, IReadOnlyList<string> events, string scope, string? signingKey)
    {
        var uuid = Guid.NewGuid().ToString();
        var created = Time(Tick());
        var subscription = new JsonObject
        {
            ["uri"] = Resource("webhook_subscriptions", uuid).ToString(),
            ["callback_url"] = callbackUrl,
            ["created_at"] = created,
            ["updated_at"] = created,
            ["retry_started_at"] = null,
            ["state"] = "active",
            ["events"] = new JsonArray([.. events.Select(e => (JsonNode)JsonValue.Create(e))]),
            ["scope"] = scope,
            ["organization"] = OrganizationUri.ToString(),
            ["user"] = scope == "user" ? UserUri.ToString() : null,
            ["group"] = null,
            ["creator"] = UserUri.ToString(),
        };
        _subscriptions.Add(subscription);
        _signingKeys[uuid] = signingKey;
        return subscription;
    }

    private JsonObject CurrentUser() => new()
    {
        ["uri"] = UserUri.ToString(),
        ["name"] = UserName,
        ["slug"] = "turtle-operations",
        ["email"] = UserEmail,
        ["scheduling_url"] = "https://calendly.com/turtle-operations",
        ["timezone"] = "Asia/Kolkata",
        ["avatar_url"] = null,
        ["created_at"] = "2024-01-02T03:04:05.678123Z",
        ["updated_at"] = "2024-01-02T03:04:05.678123Z",
        ["current_organization"] = OrganizationUri.ToString(),
        ["resource_type"] = "User",
        ["locale"] = "en",
    };

    private JsonObject? FindSubscription(string uuid) =>
        _subscriptions.FirstOrDefault(s => ((string?)s["uri"])?.EndsWith("/" + uuid, StringComparison.Ordinal) == true);

    private FakeEvent? FindEvent(string uuid) => _events.FirstOrDefault(e => e.Uuid == uuid);

    private FakeWebhookSubscription Snapshot(JsonObject s)
    {
        var uuid = ((string)s["uri"]!).Split('/')[^1];
        return new FakeWebhookSubscription(uuid, (string)s["callback_url"]!, [.. s["events"]!.AsArray().Select(e => (string)e!)], (string)s["scope"]!,
            (string)s["state"]!, _signingKeys.GetValueOrDefault(uuid), (string?)s["retry_started_at"]);
    }

    /// <summary>The subscription as Calendly shows it: the signing key is write-only.</summary>
    private static JsonObject Public(JsonObject subscription) => (JsonObject)subscription.DeepClone();

    private JsonObject Cancellation(string canceledBy, string reason, string cancelerType) => new()
    {
        ["canceled_by"] = canceledBy,
        ["reason"] = reason,
        ["canceler_type"] = cancelerType,
        ["created_at"] = Time(_time.GetUtcNow()),
    };

    private static void Count(FakeEvent scheduled)
    {
        var counter = scheduled.Resource["invitees_counter"]!.AsObject();
        counter["total"] = scheduled.Invitees.Count;
        counter["active"] = scheduled.Invitees.Count(i => (string?)i["status"] == "active");
    }

    /// <summary>Strictly increasing creation times, so Calendly's ordering by <c>created_at</c> is the order of seeding.</summary>
    private DateTimeOffset Tick() => _time.GetUtcNow() + TimeSpan.FromTicks(10 * Interlocked.Increment(ref _clock));

    private Uri Resource(string collection, string uuid) => new(BaseUrl, $"/{collection}/{uuid}");

    private static string HostUuid(string email) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(email))[..16]).ToString();

    private static DateTimeOffset StartOf(JsonObject scheduledEvent) =>
        DateTimeOffset.Parse((string)scheduledEvent["start_time"]!, CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string text, string parameter, List<(string, string)> invalid)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        invalid.Add((parameter, "must be a UTC time such as 2020-01-02T03:04:05.678123Z"));
        return null;
    }

    private static IResult InvalidArgument(params (string Parameter, string Message)[] details)
    {
        var error = Error("Invalid Argument", "The supplied parameters are invalid.");
        error["details"] = new JsonArray([.. details.Select(d => (JsonNode)new JsonObject { ["parameter"] = d.Parameter, ["message"] = d.Message })]);
        return Json(400, error);
    }

    private static IResult PermissionDenied(string message) => Json(403, Error("Permission Denied", message));

    private static IResult NotFound() => Json(404, Error("Resource Not Found", "The server could not find the requested resource."));

    private static JsonObject Error(string title, string message) => new() { ["title"] = title, ["message"] = message };

    private static IResult Json(int status, JsonObject body) => Results.Content(body.ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, status);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string Seconds(TimeSpan wait) => ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private sealed record FakeEvent(string Uuid, JsonObject Resource, List<JsonObject> Invitees);

    private sealed record CalendlyFault(int Status, TimeSpan? RetryAfter, string? WhereContains);

    private static TaskCompletionSource NewRelease() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One request the fake received and the status it answered.</summary>
public sealed record FakeCalendlyRequest(DateTimeOffset ReceivedAt, string Method, string Path, string Query, bool Authorized, int StatusCode, string Body)
{
    public override string ToString() => $"{ReceivedAt:HH:mm:ss.fff} {Method} {Path}{Query} -> {StatusCode}{(Authorized ? "" : " (no valid token)")}";
}

/// <summary>A subscription as the fake holds it, with the signing key it was created with (Calendly never shows it back).</summary>
public sealed record FakeWebhookSubscription(string Uuid, string CallbackUrl, IReadOnlyList<string> Events, string Scope, string State, string? SigningKey, string? RetryStartedAt);
