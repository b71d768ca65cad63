using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turtle.Testing.WhatsApp;

/// <summary>
/// The WhatsApp Cloud API's <c>POST /{version}/{phone-number-id}/messages</c> on 127.0.0.1, answering and
/// failing like Meta (error envelope and codes), recording every request, and able to post signed status
/// and inbound webhooks back to Turtle. Also the Business Management API's <c>/{version}/{waba-id}/message_templates</c>
/// (list and create, see <see cref="SeedTemplate"/>).
/// </summary>
public sealed partial class FakeWhatsAppApi(string accessToken = FakeWhatsAppApi.DefaultAccessToken, string phoneNumberId = FakeWhatsAppApi.DefaultPhoneNumberId, TimeProvider? timeProvider = null) : IAsyncDisposable
{
    public const string DefaultAccessToken = "test-whatsapp-token";
    public const string DefaultPhoneNumberId = "106540352242922";
    public const string DisplayPhoneNumber = "15550783881";
    public const string BusinessAccountId = "102290129340398";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly List<FakeWhatsAppRequest> _requests = [];
    private readonly ConcurrentDictionary<string, Queue<WhatsAppFault>> _nextFaults = new();
    private readonly ConcurrentDictionary<string, WhatsAppFault> _alwaysFaults = new();
    private readonly ConcurrentDictionary<string, Queue<TimeSpan>> _stalls = new();
    private readonly ConcurrentDictionary<string, Queue<WhatsAppFault>> _lateFaults = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _statusesTaken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _waIds = new();
    private readonly ConcurrentDictionary<string, byte> _heldForQuality = new();
    private readonly ConcurrentDictionary<string, string> _usernames = new();
    private volatile bool _tokenRevoked;
    private volatile WhatsAppFault? _accountRefusal;
    private volatile EveryoneFault? _everyone;
    private readonly List<JsonObject> _templates = [];
    private readonly List<FakeTemplateRequest> _templateRequests = [];
    private long _templateIds = 1_234_567_890_000;
    // Meta publishes no figure for how many webhook requests it has open to one endpoint at once. The fake keeps to a
    // bound of its own, so a burst of statuses queues here as it would at Meta instead of opening a connection each.
    private readonly HttpClient _webhookClient = new(new SocketsHttpHandler { MaxConnectionsPerServer = WebhookConnections });
    private readonly CancellationTokenSource _stopping = new();
    private volatile StatusReport? _statusReport;
    private int _statusesReported;
    private readonly ConcurrentQueue<StatusPost> _statusPosts = new();
    private WebApplication? _app;
    private long _messageCounter;

    /// <summary>Connections the fake keeps open to a webhook endpoint at most.</summary>
    public const int WebhookConnections = 64;

    public string AccessToken { get; } = accessToken;

    /// <summary>The connections Turtle has open to the fake's Graph API.</summary>
    public ConnectionGauge Connections { get; } = new();
    public string PhoneNumberId { get; } = phoneNumberId;

    /// <summary>What <c>WhatsApp:ApiBaseUrl</c> should be set to, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request so far, oldest first (a copy).</summary>
    public IReadOnlyList<FakeWhatsAppRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Requests Meta accepted (a message id was returned).</summary>
    public IReadOnlyList<FakeWhatsAppRequest> Accepted => [.. Requests.Where(r => r.MessageId is not null)];

    public FakeWhatsAppApi Start() => StartAsync().GetAwaiter().GetResult();

    public async Task<FakeWhatsAppApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, Connections.Watch));
        _app = builder.Build();
        _app.MapPost("/{version}/{phoneNumberId}/messages", HandleMessageAsync);
        _app.MapGet("/{version}/{businessAccountId}/message_templates", ListTemplates);
        _app.MapPost("/{version}/{businessAccountId}/message_templates", CreateTemplateAsync);
        await _app.StartAsync();
        var address = _app.Urls.First();
        BaseUrl = new Uri(address);
        return this;
    }

    /// <summary>The next <paramref name="count"/> requests to <paramref name="to"/> fail with this answer, then it succeeds again.</summary>
    public void FailNext(string to, int count, int httpStatus, int metaCode, string message, TimeSpan? retryAfter = null)
    {
        var fault = new WhatsAppFault(httpStatus, metaCode, message, retryAfter);
        FailNext(to, Enumerable.Repeat(fault, count).ToArray());
    }

    /// <summary>Queues faults for <paramref name="to"/>, one consumed per request, in order.</summary>
    public void FailNext(string to, params WhatsAppFault[] faults)
    {
        var queue = _nextFaults.GetOrAdd(Digits(to), _ => new Queue<WhatsAppFault>());
        lock (queue)
        {
            foreach (var fault in faults)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Every request to <paramref name="to"/> fails with this answer (e.g. a number not on WhatsApp).</summary>
    public void FailAlways(string to, int httpStatus, int metaCode, string message) =>
        _alwaysFaults[Digits(to)] = new WhatsAppFault(httpStatus, metaCode, message);

    public void FailAlways(string to, WhatsAppFault fault) => _alwaysFaults[Digits(to)] = fault;

    /// <summary>The next accepted requests to <paramref name="to"/> are answered only after these delays (Meta being slow, not failing).</summary>
    public void StallNext(string to, params TimeSpan[] delays)
    {
        var queue = _stalls.GetOrAdd(Digits(to), _ => new Queue<TimeSpan>());
        lock (queue)
        {
            foreach (var delay in delays)
            {
                queue.Enqueue(delay);
            }
        }
    }

    /// <summary>
    /// Meta knows <paramref name="to"/> by another WhatsApp id (as for some Brazilian and Mexican numbers): sends to it are
    /// answered with <c>contacts[].wa_id</c> = <paramref name="waIdDigits"/>, and the client's messages would come from it.
    /// </summary>
    public void KnowAs(string to, string waIdDigits) => _waIds[Digits(to)] = waIdDigits;

    /// <summary>
    /// The business-scoped user id (BSUID) Meta gives the user of <paramref name="phone"/> for this business: stable per
    /// number, shaped as Meta's business-scoped user ids page describes (two-letter country code, a period, up to 128
    /// alphanumerics: https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/).
    /// Guess: the country code is always <c>IN</c> (the tests' numbers are Indian) and the digits are a hash of the number.
    /// </summary>
    public static string UserIdOf(string phone) =>
        "IN." + string.Concat(SHA256.HashData(Encoding.UTF8.GetBytes(Digits(phone)))[..9].Select(b => (b % 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// The user of <paramref name="phone"/> adopted a WhatsApp username: from now on what they send arrives without their
    /// number (no <c>from</c>, no <c>contacts[].wa_id</c>), named by <c>from_user_id</c> and <c>contacts[].user_id</c>,
    /// with <c>contacts[].username</c>. Meta withholds the number of such a user from webhooks (business-scoped user ids
    /// page, and 360dialog's https://docs.360dialog.com/docs/resources/phone-numbers/usernames-and-bsuid: withheld "with
    /// certain exceptions"). Statuses of messages the business sent to the number keep <c>recipient_id</c> beside
    /// <c>recipient_user_id</c>: a number the business messaged is in Meta's contact book, whose numbers keep appearing in
    /// webhooks (360dialog's page; the exact rule is a guess).
    /// </summary>
    public void AdoptUsername(string phone, string username) => _usernames[Digits(phone)] = username;

    /// <summary>Messages to <paramref name="to"/> are accepted with <c>message_status</c> <c>held_for_quality_assessment</c>.</summary>
    public void HoldForQuality(string to) => _heldForQuality[Digits(to)] = 0;

    /// <summary>Meta stops accepting the access token (error 190, as for an expired or revoked token) until <see cref="RestoreToken"/>.</summary>
    public void RevokeToken() => _tokenRevoked = true;

    public void RestoreToken() => _tokenRevoked = false;

    /// <summary>
    /// Meta refuses every send of the account with <paramref name="fault"/> (one of the account-level faults: permission,
    /// lock, billing, unregistered number) until <see cref="RestoreAccount"/>, whoever the message is to.
    /// </summary>
    public void RefuseAccount(WhatsAppFault fault) => _accountRefusal = fault;

    public void RestoreAccount() => _accountRefusal = null;

    /// <summary>Until <paramref name="until"/>, every request is answered with <paramref name="fault"/>, whoever it is to (a burst of 429s or 500s).</summary>
    public void FailEveryoneUntil(DateTimeOffset until, WhatsAppFault fault) => _everyone = new EveryoneFault(until, fault, null);

    /// <summary>Until <paramref name="until"/>, every accepted request is answered only after <paramref name="delay"/> (Meta stalling).</summary>
    public void StallEveryoneUntil(DateTimeOffset until, TimeSpan delay) => _everyone = new EveryoneFault(until, null, delay);

    /// <summary>A template Meta holds for <see cref="BusinessAccountId"/>, as if it had been submitted and reviewed.</summary>
    public void SeedTemplate(string name, string language, string status, string category = "UTILITY", string? rejectedReason = null, string body = "Hello {{1}}, this is a seeded template.")
    {
        lock (_templates)
        {
            _templates.Add(NewTemplate(name, language, status, category, rejectedReason,
                new JsonArray(new JsonObject { ["type"] = "BODY", ["text"] = body })));
        }
    }

    /// <summary>Deletes every language of the template <paramref name="name"/>.</summary>
    public void RemoveTemplate(string name)
    {
        lock (_templates)
        {
            _templates.RemoveAll(t => (string?)t["name"] == name);
        }
    }

    /// <summary>Every message_templates call so far, oldest first.</summary>
    public IReadOnlyList<FakeTemplateRequest> TemplateRequests
    {
        get
        {
            lock (_templates)
            {
                return [.. _templateRequests];
            }
        }
    }

    /// <summary>The raw bodies of the template submissions Meta accepted.</summary>
    public IReadOnlyList<string> SubmittedTemplates => [.. TemplateRequests.Where(r => r.Method == "POST" && r.StatusCode == 200).Select(r => r.Body)];

    /// <summary>
    /// The next accepted requests to <paramref name="to"/> are answered 200 with a message id, as usual, and then found
    /// undeliverable: with <see cref="ReportStatusesTo"/> set, each gets a signed <c>failed</c> status with the fault's code
    /// and title in <c>errors[]</c> instead of its <c>sent</c> one. Meta's status messages webhook reference
    /// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/)
    /// lists "unable to be sent" and "unable to be delivered" among its triggers, with <c>errors[]</c> on a failed status;
    /// it does not promise <c>biz_opaque_callback_data</c> there, so it is left out. Which codes come this way rather than
    /// in the answer (131049, 131050, 130472, 131026 here) the error codes page does not say: that is SPEC §6's account.
    /// </summary>
    public void FailAfterAcceptingNext(string to, params WhatsAppFault[] faults)
    {
        var queue = _lateFaults.GetOrAdd(Digits(to), _ => new Queue<WhatsAppFault>());
        lock (queue)
        {
            foreach (var fault in faults)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Requests to <paramref name="to"/> succeed again: its scripted faults are removed.</summary>
    public void StopFailing(string to)
    {
        _nextFaults.TryRemove(Digits(to), out _);
        _alwaysFaults.TryRemove(Digits(to), out _);
    }

    /// <summary>Removes the scripted faults of every recipient.</summary>
    public void ClearFaults()
    {
        _nextFaults.Clear();
        _alwaysFaults.Clear();
    }

    /// <summary>Waits until at least <paramref name="count"/> recorded requests match; throws with what was seen when the time runs out.</summary>
    public async Task<IReadOnlyList<FakeWhatsAppRequest>> WaitForRequestsAsync(Func<FakeWhatsAppRequest, bool> predicate, int count = 1, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var matching = await Eventually.ReadAsync(() => Requests.Where(predicate).ToList(), m => m.Count >= count, timeout ?? TimeSpan.FromSeconds(30));
        if (matching.Count >= count)
        {
            return matching;
        }
        var seen = string.Join(Environment.NewLine, Requests.Select(r => "  " + r));
        throw new TimeoutException($"Expected {count} matching WhatsApp request(s), saw {matching.Count} within {timeout ?? TimeSpan.FromSeconds(30)}. All requests:{Environment.NewLine}{seen}");
    }

    /// <summary>
    /// From now on every accepted message gets a signed <c>sent</c> status posted to <paramref name="webhookUrl"/>,
    /// <paramref name="after"/> (default 1 s) after the request came, with the message's <c>biz_opaque_callback_data</c>,
    /// as Meta reports statuses, whether or not the sender is still waiting for its answer (a stall, a dead client).
    /// An answer other than 2xx is tried again with backoff, as Meta retries webhooks, until taken or the fake stops.
    /// With <paramref name="receiptsApart"/>, a message that was sent then gets <c>delivered</c> and then <c>read</c>, each
    /// that long after the previous one was taken: Meta's status messages webhook reference
    /// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/)
    /// names the three triggers (sent to the user, delivered to the device, displayed in the client) and one webhook per
    /// status. How far apart they come depends on the user's phone and when they open the chat; a second or so, for a
    /// client who reads at once, is a guess.
    /// </summary>
    public void ReportStatusesTo(Uri webhookUrl, string appSecret, TimeSpan? after = null, TimeSpan? receiptsApart = null) =>
        _statusReport = new StatusReport(webhookUrl, appSecret, after ?? TimeSpan.FromSeconds(1), receiptsApart);

    /// <summary>When the webhook took (2xx) the status reported for the message Meta answered with <paramref name="messageId"/>; null while it has not.</summary>
    public DateTimeOffset? StatusTakenAt(string messageId) => _statusesTaken.TryGetValue(messageId, out var at) ? at : null;

    /// <summary>How many <c>sent</c> statuses the webhook has taken (<see cref="ReportStatusesTo"/>).</summary>
    public int StatusesReported => Volatile.Read(ref _statusesReported);

    /// <summary>Every status webhook <see cref="ReportStatusesTo"/> posted, retries included, with how long its answer took.</summary>
    public IReadOnlyList<StatusPost> StatusPosts => [.. _statusPosts];

    private WhatsAppFault? LateFault(string to)
    {
        if (!_lateFaults.TryGetValue(to, out var queue))
        {
            return null;
        }
        lock (queue)
        {
            return queue.TryDequeue(out var fault) ? fault : null;
        }
    }

    private async Task ReportAsync(StatusReport report, string messageId, string to, string? callbackData, WhatsAppFault? lateFault)
    {
        try
        {
            await Task.Delay(report.After, _stopping.Token);
            if (lateFault is not null)
            {
                await PostUntilTakenAsync(report, messageId, "failed", BuildStatusPayload(messageId, to, "failed", bizOpaqueCallbackData: null, lateFault.MetaCode, lateFault.Message));
                return;
            }
            await PostUntilTakenAsync(report, messageId, "sent", BuildStatusPayload(messageId, to, "sent", callbackData));
            if (report.ReceiptsApart is not { } apart)
            {
                return;
            }
            foreach (var status in (string[])["delivered", "read"])
            {
                await Task.Delay(apart, _stopping.Token);
                await PostUntilTakenAsync(report, messageId, status, BuildStatusPayload(messageId, to, status, callbackData));
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task PostUntilTakenAsync(StatusReport report, string messageId, string status, string body)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            var posted = _time.GetUtcNow();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            int answer;
            try
            {
                answer = (int)await PostWebhookAsync(report.WebhookUrl, report.AppSecret, body);
            }
            catch (HttpRequestException)
            {
                // The webhook's host is down (a restart): Meta tries again later.
                answer = 0;
            }
            catch (TaskCanceledException) when (!_stopping.IsCancellationRequested)
            {
                // No answer within the client's timeout: tried again, as an unanswered webhook is.
                answer = 0;
            }
            _statusPosts.Enqueue(new StatusPost(messageId, status, posted, watch.Elapsed, answer));
            if (answer is >= 200 and < 300)
            {
                if (status is "sent" or "failed")
                {
                    _statusesTaken[messageId] = _time.GetUtcNow();
                    Interlocked.Increment(ref _statusesReported);
                }
                return;
            }
            await Task.Delay(backoff, _stopping.Token);
            backoff = backoff < TimeSpan.FromSeconds(16) ? backoff * 2 : backoff;
        }
    }

    /// <summary>Posts a signed status webhook (<c>sent</c>, <c>delivered</c>, <c>read</c>, <c>failed</c>) as Meta does.</summary>
    public Task<HttpStatusCode> PostStatusAsync(Uri webhookUrl, string appSecret, string messageId, string recipient, string status, string? bizOpaqueCallbackData, int? errorCode = null, string? errorTitle = null) =>
        PostWebhookAsync(webhookUrl, appSecret, BuildStatusPayload(messageId, recipient, status, bizOpaqueCallbackData, errorCode, errorTitle));

    /// <summary>Posts a signed inbound text message (e.g. <c>STOP</c>) from <paramref name="fromDigits"/>.</summary>
    public Task<HttpStatusCode> PostInboundTextAsync(Uri webhookUrl, string appSecret, string fromDigits, string text) =>
        PostWebhookAsync(webhookUrl, appSecret, BuildInboundTextPayload(fromDigits, text));

    /// <summary>Posts a signed tap on a template's quick-reply button, as Meta reports it (<c>type: button</c>).</summary>
    public Task<HttpStatusCode> PostButtonTapAsync(Uri webhookUrl, string appSecret, string fromDigits, string payload, string text, string? contextMessageId = null) =>
        PostWebhookAsync(webhookUrl, appSecret, BuildButtonPayload(fromDigits, payload, text, contextMessageId));

    /// <summary>Posts any body, signed with <paramref name="appSecret"/> unless a <paramref name="signature"/> header value is given.</summary>
    public async Task<HttpStatusCode> PostWebhookAsync(Uri webhookUrl, string appSecret, string body, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature ?? Sign(appSecret, body));
        using var response = await _webhookClient.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary><c>sha256=&lt;hex HMAC-SHA256(app secret, raw body)&gt;</c>, the value of <c>X-Hub-Signature-256</c>.</summary>
    public static string Sign(string appSecret, string body)
    {
        ArgumentNullException.ThrowIfNull(appSecret);
        ArgumentNullException.ThrowIfNull(body);
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(body));
        return "sha256=" + Convert.ToHexStringLower(hash);
    }

    public string BuildStatusPayload(string messageId, string recipient, string status, string? bizOpaqueCallbackData, int? errorCode = null, string? errorTitle = null)
    {
        var entry = new JsonObject
        {
            ["id"] = messageId,
            ["status"] = status,
            ["timestamp"] = UnixNow(),
            ["recipient_id"] = Digits(recipient),
            // Every status carries the recipient's BSUID since April 2026 (business-scoped user ids page).
            ["recipient_user_id"] = UserIdOf(recipient),
        };
        if (bizOpaqueCallbackData is not null)
        {
            entry["biz_opaque_callback_data"] = bizOpaqueCallbackData;
        }
        if (status is "sent" or "delivered")
        {
            entry["pricing"] = new JsonObject { ["billable"] = true, ["pricing_model"] = "PMP", ["category"] = "utility" };
        }
        if (errorCode is not null || status == "failed")
        {
            var title = errorTitle ?? "Message undeliverable";
            entry["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = errorCode ?? 131026,
                ["title"] = title,
                ["message"] = title,
                ["error_data"] = new JsonObject { ["details"] = title },
            });
        }
        return Envelope(new JsonObject { ["statuses"] = new JsonArray(entry) });
    }

    public string BuildInboundTextPayload(string fromDigits, string text, string? messageId = null) =>
        InboundMessage(fromDigits, messageId, new JsonObject { ["type"] = "text", ["text"] = new JsonObject { ["body"] = text } });

    /// <summary>
    /// A tap on a template's quick-reply button (Meta's button messages webhook): <c>button.payload</c> is what the send
    /// request put in the button's parameter, <c>button.text</c> its label, <c>context.id</c> the template message's id.
    /// </summary>
    public string BuildButtonPayload(string fromDigits, string payload, string text, string? contextMessageId = null, string? messageId = null)
    {
        var message = new JsonObject { ["type"] = "button", ["button"] = new JsonObject { ["payload"] = payload, ["text"] = text } };
        if (contextMessageId is not null)
        {
            message["context"] = new JsonObject { ["from"] = DisplayPhoneNumber, ["id"] = contextMessageId };
        }
        return InboundMessage(fromDigits, messageId, message);
    }

    /// <summary>A tap on an interactive reply button (Meta's interactive messages webhook, <c>button_reply</c>).</summary>
    public string BuildInteractiveReplyPayload(string fromDigits, string buttonId, string title, string? messageId = null) =>
        InboundMessage(fromDigits, messageId, new JsonObject
        {
            ["type"] = "interactive",
            ["interactive"] = new JsonObject { ["type"] = "button_reply", ["button_reply"] = new JsonObject { ["id"] = buttonId, ["title"] = title } },
        });

    /// <summary>Posts a signed inbound text from a user Meta names only by their BSUID (a username without a number Meta shares).</summary>
    public Task<HttpStatusCode> PostInboundTextFromUserAsync(Uri webhookUrl, string appSecret, string userId, string text, string username = "client") =>
        PostWebhookAsync(webhookUrl, appSecret, BuildInboundTextFromUserPayload(userId, text, username));

    /// <summary>An inbound text naming its sender by BSUID alone (see <see cref="AdoptUsername"/>).</summary>
    public string BuildInboundTextFromUserPayload(string userId, string text, string username = "client", string? messageId = null) =>
        InboundMessage(null, userId, username, messageId, new JsonObject { ["type"] = "text", ["text"] = new JsonObject { ["body"] = text } });

    /// <summary>A quick-reply tap naming its sender by BSUID alone.</summary>
    public string BuildButtonFromUserPayload(string userId, string payload, string text, string username = "client", string? contextMessageId = null, string? messageId = null)
    {
        var message = new JsonObject { ["type"] = "button", ["button"] = new JsonObject { ["payload"] = payload, ["text"] = text } };
        if (contextMessageId is not null)
        {
            message["context"] = new JsonObject { ["from"] = DisplayPhoneNumber, ["id"] = contextMessageId };
        }
        return InboundMessage(null, userId, username, messageId, message);
    }

    private string InboundMessage(string fromDigits, string? messageId, JsonObject content)
    {
        var from = Digits(fromDigits);
        return _usernames.TryGetValue(from, out var username)
            ? InboundMessage(null, UserIdOf(from), username, messageId, content)
            : InboundMessage(from, UserIdOf(from), null, messageId, content);
    }

    /// <summary>
    /// An inbound message as Meta's messages webhook reference shapes it, with the business-scoped user ids page's
    /// additions: the sender's BSUID as <c>messages[].from_user_id</c> and <c>contacts[].user_id</c> (<c>user_id</c> is
    /// named on the BSUID page; <c>from_user_id</c> follows the <c>recipient_user_id</c> naming of statuses and is a guess
    /// where the stored references show no message example), <c>contacts[].username</c> for a user with a username, and
    /// no <c>from</c> / <c>wa_id</c> when the number is withheld.
    /// </summary>
    private string InboundMessage(string? from, string userId, string? username, string? messageId, JsonObject content)
    {
        var message = new JsonObject();
        if (from is not null)
        {
            message["from"] = from;
        }
        message["from_user_id"] = userId;
        message["id"] = messageId ?? NewMessageId();
        message["timestamp"] = UnixNow();
        foreach (var (key, node) in content.ToList())
        {
            content.Remove(key);
            message[key] = node;
        }
        var contact = new JsonObject { ["profile"] = new JsonObject { ["name"] = "Test Client" } };
        if (from is not null)
        {
            contact["wa_id"] = from;
        }
        contact["user_id"] = userId;
        if (username is not null)
        {
            contact["username"] = username;
        }
        return Envelope(new JsonObject
        {
            ["contacts"] = new JsonArray(contact),
            ["messages"] = new JsonArray(message),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _webhookClient.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> HandleMessageAsync(HttpContext context, string phoneNumberId)
    {
        var received = _time.GetUtcNow();
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync(context.RequestAborted);
        var parsed = ParseBody(raw);
        var record = new FakeWhatsAppRequest(received, parsed.To, parsed.TemplateName, parsed.Language, parsed.Parameters, parsed.CallbackData, 0, null, null, raw)
        {
            ButtonPayloads = parsed.ButtonPayloads,
        };

        var (result, status, code, messageId, delay) = Answer(context, phoneNumberId, parsed);
        var report = messageId is not null ? _statusReport : null;
        var lateFault = report is not null ? LateFault(parsed.To!) : null;
        lock (_requests)
        {
            _requests.Add(record with { StatusCode = status, ErrorCode = code, MessageId = messageId, LateFault = lateFault });
        }
        if (report is not null)
        {
            _ = ReportAsync(report, messageId!, parsed.To!, parsed.CallbackData, lateFault);
        }
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.RequestAborted);
        }
        return result;
    }

    private (IResult Result, int Status, int? Code, string? MessageId, TimeSpan Delay) Answer(HttpContext context, string phoneNumberId, ParsedRequest request)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization != $"Bearer {AccessToken}")
        {
            return Error(401, 190, "Invalid OAuth access token - Cannot parse access token");
        }
        if (_tokenRevoked)
        {
            return Error(401, 190, "Error validating access token: Session has expired on Wednesday, 02-Dec-26 10:00:00 PST.", subcode: 463);
        }
        if (_accountRefusal is { } refusal)
        {
            return Error(refusal.HttpStatus, refusal.MetaCode, refusal.Message, details: refusal.Details);
        }
        if (phoneNumberId != PhoneNumberId)
        {
            return Error(400, 100, $"Unsupported post request. Object with ID '{phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", type: "GraphMethodException", subcode: 33);
        }
        if (request.Invalid is { } invalid)
        {
            return Error(400, invalid.Code, invalid.Message, details: invalid.Details);
        }

        if (MissingTranslation(request.TemplateName, request.Language) is { } missing)
        {
            return missing;
        }
        var to = request.To!;
        var everyone = _everyone is { } e && _time.GetUtcNow() < e.Until ? e : null;
        if (everyone?.Fault is { } burst)
        {
            return Fault(context, burst);
        }
        if (_alwaysFaults.TryGetValue(to, out var always))
        {
            return Fault(context, always);
        }
        if (_nextFaults.TryGetValue(to, out var queue))
        {
            lock (queue)
            {
                if (queue.TryDequeue(out var next))
                {
                    return Fault(context, next);
                }
            }
        }

        var messageId = NewMessageId();
        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["contacts"] = new JsonArray(new JsonObject { ["input"] = to, ["wa_id"] = _waIds.GetValueOrDefault(to, to) }),
            ["messages"] = new JsonArray(new JsonObject
            {
                ["id"] = messageId,
                ["message_status"] = _heldForQuality.ContainsKey(to) ? "held_for_quality_assessment" : "accepted",
            }),
        };
        var stall = everyone?.Stall ?? TimeSpan.Zero;
        if (_stalls.TryGetValue(to, out var stalls))
        {
            lock (stalls)
            {
                stalls.TryDequeue(out stall);
            }
        }
        return (Results.Content(body.ToJsonString(), "application/json", Encoding.UTF8, 200), 200, null, messageId, stall);
    }

    /// <summary>
    /// A template this fake holds in other languages but not in <paramref name="language"/> is refused with 132001,
    /// "Template name does not exist in the translation" (Meta's error codes page). A template the fake holds in no
    /// language at all is sent as asked: most tests never seed templates.
    /// </summary>
    private (IResult, int, int?, string?, TimeSpan)? MissingTranslation(string? name, string? language)
    {
        lock (_templates)
        {
            var held = _templates.Where(t => (string?)t["name"] == name).ToList();
            return held.Count == 0 || held.Any(t => (string?)t["language"] == language)
                ? null
                : Error(404, 132001, "(#132001) Template name does not exist in the translation", details: $"template name ({name}) does not exist in {language}");
        }
    }

    private static (IResult, int, int?, string?, TimeSpan) Fault(HttpContext context, WhatsAppFault fault)
    {
        if (fault.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return Error(fault.HttpStatus, fault.MetaCode, fault.Message, details: fault.Details) with { Item5 = fault.Delay ?? TimeSpan.Zero };
    }

    private static (IResult, int, int?, string?, TimeSpan) Error(int status, int code, string message, string type = "OAuthException", int? subcode = null, string? details = null)
    {
        var error = new JsonObject
        {
            ["message"] = message,
            ["type"] = type,
            ["code"] = code,
        };
        if (subcode is not null)
        {
            error["error_subcode"] = subcode;
        }
        if (details is not null)
        {
            error["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = details };
        }
        error["fbtrace_id"] = "A" + Guid.NewGuid().ToString("N")[..22];
        var body = new JsonObject { ["error"] = error }.ToJsonString();
        return (Results.Content(body, "application/json", Encoding.UTF8, status), status, code, null, TimeSpan.Zero);
    }

    /// <summary>Reads the request as Meta would, noting the first thing Meta would refuse.</summary>
    private static ParsedRequest ParseBody(string raw)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            return new ParsedRequest { Invalid = new(100, "(#100) Invalid parameter", "Request body is not valid JSON") };
        }
        var to = Text(root?["to"]);
        var template = root?["template"];
        var parsed = new ParsedRequest
        {
            To = to,
            TemplateName = Text(template?["name"]),
            Language = Text(template?["language"]?["code"]),
            CallbackData = Text(root?["biz_opaque_callback_data"]),
        };
        var parameters = new List<string>();
        JsonArray? bodyParameters = null;
        if (template?["components"] is JsonArray components)
        {
            bodyParameters = components.FirstOrDefault(c => Text(c?["type"]) == "body")?["parameters"] as JsonArray;
            foreach (var parameter in bodyParameters ?? [])
            {
                parameters.Add(Text(parameter?["text"]) ?? "");
            }
        }
        parsed = parsed with { Parameters = parameters };
        var buttons = new List<string>();
        foreach (var button in (template?["components"] as JsonArray ?? []).Where(c => Text(c?["type"]) == "button"))
        {
            // Meta's quick-reply button component: sub_type quick_reply, index as a string, one payload parameter.
            var payload = button?["parameters"] is JsonArray { Count: 1 } only && Text(only[0]?["type"]) == "payload" ? Text(only[0]?["payload"]) : null;
            if (Text(button?["sub_type"]) != "quick_reply" || Text(button?["index"]) != buttons.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
                || string.IsNullOrEmpty(payload))
            {
                return parsed with { Invalid = new(131008, "(#131008) Required parameter is missing", "Button at index " + buttons.Count + " needs sub_type quick_reply, its index as a string and one payload parameter") };
            }
            buttons.Add(payload);
        }
        parsed = parsed with { ButtonPayloads = buttons };

        if (Text(root?["messaging_product"]) != "whatsapp")
        {
            return parsed with { Invalid = new(100, "(#100) The parameter messaging_product is required.", null) };
        }
        if (Text(root?["type"]) != "template")
        {
            return parsed with { Invalid = new(100, "(#100) Param type must be template for this fake.", null) };
        }
        if (string.IsNullOrEmpty(to) || !to.All(char.IsAsciiDigit))
        {
            return parsed with { Invalid = new(100, "(#100) Invalid parameter", "The parameter to must be a phone number in digits only.") };
        }
        if (string.IsNullOrEmpty(parsed.TemplateName) || string.IsNullOrEmpty(parsed.Language))
        {
            return parsed with { Invalid = new(100, "(#100) The parameter template['name'] and template['language']['code'] are required.", null) };
        }
        foreach (var parameter in bodyParameters ?? [])
        {
            if (Text(parameter?["type"]) != "text" || parameter?["text"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty(value.GetValue<string>()))
            {
                return parsed with { Invalid = new(131008, "(#131008) Required parameter is missing", "Parameter of type text is missing text value") };
            }
            var text = value.GetValue<string>();
            if (text.Contains('\n', StringComparison.Ordinal) || text.Contains('\t', StringComparison.Ordinal) || text.Contains("     ", StringComparison.Ordinal))
            {
                return parsed with { Invalid = new(132018, "(#132018) There was an issue with the parameters in your template.", "Param text cannot have new-line/tab characters or more than 4 consecutive spaces") };
            }
        }
        return parsed;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string Digits(string phone) => string.Concat(phone.Where(char.IsAsciiDigit));

    private string UnixNow() => _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string NewMessageId() =>
        $"wamid.{Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Interlocked.Increment(ref _messageCounter)}:{Guid.NewGuid():N}"))}";

    private string Envelope(JsonObject value)
    {
        var content = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = DisplayPhoneNumber, ["phone_number_id"] = PhoneNumberId },
        };
        foreach (var (key, node) in value.ToList())
        {
            value.Remove(key);
            content[key] = node;
        }
        var root = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = BusinessAccountId,
                ["changes"] = new JsonArray(new JsonObject { ["value"] = content, ["field"] = "messages" }),
            }),
        };
        return root.ToJsonString();
    }

    /// <summary>Meta's list: <c>name</c> matches names containing it; <c>fields</c> picks the fields (id always); <c>limit</c> and the <c>after</c> cursor page.</summary>
    private IResult ListTemplates(HttpContext context, string businessAccountId)
    {
        var query = context.Request.Query;
        if (TemplateRefusal(context, businessAccountId, "get") is { } refused)
        {
            return Record(context, refused.Result, refused.Status, "");
        }
        var name = query["name"].ToString();
        var requested = query["fields"].ToString() is { Length: > 0 } fields
            ? fields.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Append("id").ToHashSet(StringComparer.Ordinal)
            : DefaultTemplateFields;
        var limit = int.TryParse(query["limit"], System.Globalization.CultureInfo.InvariantCulture, out var asked) && asked is > 0 and <= 1000 ? asked : 25;
        var offset = query["after"].ToString() is { Length: > 0 } after && int.TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(after)), System.Globalization.CultureInfo.InvariantCulture, out var cursor) ? cursor : 0;
        List<JsonObject> matching;
        lock (_templates)
        {
            matching = [.. _templates.Where(t => name.Length == 0 || ((string)t["name"]!).Contains(name, StringComparison.OrdinalIgnoreCase))];
        }
        var page = matching.Skip(offset).Take(limit).Select(t => (JsonNode)new JsonObject([.. t.Where(f => requested.Contains(f.Key)).Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()))])).ToList();
        var paging = new JsonObject
        {
            // Opaque to clients: here a cursor is where the next page starts.
            ["cursors"] = new JsonObject { ["before"] = Cursor(offset), ["after"] = Cursor(offset + page.Count) },
        };
        if (offset + limit < matching.Count)
        {
            var others = string.Join("&", query.Where(q => q.Key != "after").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}"));
            paging["next"] = new Uri(BaseUrl, $"{context.Request.Path}?{others}&after={Uri.EscapeDataString(Cursor(offset + limit))}").ToString();
        }
        return Record(context, Results.Content(new JsonObject { ["data"] = new JsonArray([.. page]), ["paging"] = paging }.ToJsonString(), "application/json", Encoding.UTF8, 200), 200, "");
    }

    /// <summary>Meta's create: checks the submission as Meta's API does before review and answers <c>{id, status: PENDING, category}</c>.</summary>
    private async Task<IResult> CreateTemplateAsync(HttpContext context, string businessAccountId)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync(context.RequestAborted);
        if (TemplateRefusal(context, businessAccountId, "post") is { } refused)
        {
            return Record(context, refused.Result, refused.Status, raw);
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
        var name = Text(body?["name"]);
        var language = Text(body?["language"]);
        var category = Text(body?["category"]);
        var components = body?["components"] as JsonArray;
        var bodyComponent = components?.OfType<JsonObject>().FirstOrDefault(c => Text(c["type"]) == "BODY");
        var problem = body is null ? "The request body is not a JSON object."
            : name is null || !TemplateName().IsMatch(name) ? "Param name must contain only lowercase characters, numbers and underscores."
            : language is null ? "The parameter language is required."
            : category is not ("UTILITY" or "MARKETING" or "AUTHENTICATION") ? "Param category must be one of {UTILITY, MARKETING, AUTHENTICATION}."
            : Text(bodyComponent?["text"]) is not { } text ? "A template needs a BODY component with text."
            : BodyProblem(text, bodyComponent!["example"]?["body_text"]?[0] as JsonArray)
            ?? ButtonsProblem(components!.OfType<JsonObject>().FirstOrDefault(c => Text(c["type"]) == "BUTTONS"));
        if (problem is not null)
        {
            var (result, status, _, _, _) = Error(400, 100, "Invalid parameter", details: problem);
            return Record(context, result, status, raw);
        }
        JsonObject created;
        lock (_templates)
        {
            if (_templates.Any(t => (string?)t["name"] == name && (string?)t["language"] == language))
            {
                var (result, status, _, _, _) = Error(400, 100, "Invalid parameter", subcode: 2388024,
                    details: $"Message template \"{name}\" already exists in {language}.");
                return Record(context, result, status, raw);
            }
            created = NewTemplate(name!, language!, "PENDING", category!, null, (JsonArray)components!.DeepClone());
            _templates.Add(created);
        }
        var answer = new JsonObject { ["id"] = (string)created["id"]!, ["status"] = "PENDING", ["category"] = category };
        return Record(context, Results.Content(answer.ToJsonString(), "application/json", Encoding.UTF8, 200), 200, raw);
    }

    private (IResult Result, int Status)? TemplateRefusal(HttpContext context, string businessAccountId, string verb)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {AccessToken}" || _tokenRevoked)
        {
            var (result, status, _, _, _) = Error(401, 190, "Invalid OAuth access token - Cannot parse access token");
            return (result, status);
        }
        if (businessAccountId != BusinessAccountId)
        {
            var (result, status, _, _, _) = Error(400, 100, $"Unsupported {verb} request. Object with ID '{businessAccountId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", type: "GraphMethodException", subcode: 33);
            return (result, status);
        }
        return null;
    }

    /// <summary>Meta's formatting rules: placeholders {{1}}…{{n}} in order, none at the start or end, one example per placeholder.</summary>
    private static string? BodyProblem(string text, JsonArray? examples)
    {
        var numbers = Placeholder().Matches(text).Select(m => int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (!numbers.SequenceEqual(Enumerable.Range(1, numbers.Count)))
        {
            return "Variable parameters must be sequential, starting at {{1}}.";
        }
        if (numbers.Count > 0 && (text.TrimStart().StartsWith("{{", StringComparison.Ordinal) || text.TrimEnd().EndsWith("}}", StringComparison.Ordinal)))
        {
            return "Variables can't be at the start or end of the template.";
        }
        if (text.Length > 1024)
        {
            return "The body can have at most 1024 characters.";
        }
        var given = examples?.Select(Text).ToList() ?? [];
        return numbers.Count > 0 && (given.Count != numbers.Count || given.Any(string.IsNullOrEmpty))
            ? $"The body has {numbers.Count} variables and needs one example value for each in example.body_text."
            : null;
    }

    private static string? ButtonsProblem(JsonObject? buttons)
    {
        if (buttons is null)
        {
            return null;
        }
        var list = buttons["buttons"] as JsonArray;
        if (list is null || list.Count is 0 or > 10)
        {
            return "A BUTTONS component needs 1 to 10 buttons.";
        }
        return list.Any(b => Text(b?["type"]) != "QUICK_REPLY" || Text(b?["text"]) is not { Length: > 0 and <= 25 })
            ? "Each quick-reply button needs type QUICK_REPLY and a text of 1 to 25 characters."
            : null;
    }

    private JsonObject NewTemplate(string name, string language, string status, string category, string? rejectedReason, JsonArray components) => new()
    {
        ["name"] = name,
        ["parameter_format"] = "POSITIONAL",
        ["components"] = components,
        ["language"] = language,
        ["status"] = status,
        ["category"] = category,
        ["rejected_reason"] = rejectedReason ?? "NONE",
        ["id"] = Interlocked.Increment(ref _templateIds).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private IResult Record(HttpContext context, IResult result, int status, string body)
    {
        lock (_templates)
        {
            _templateRequests.Add(new FakeTemplateRequest(context.Request.Method, $"{context.Request.Path}{context.Request.QueryString}", status, body));
        }
        return result;
    }

    private static string Cursor(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes(offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>What Meta returns without <c>fields</c>: the rejected reason only when asked.</summary>
    private static readonly HashSet<string> DefaultTemplateFields = ["name", "parameter_format", "components", "language", "status", "category", "id"];

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9_]{1,512}$")]
    private static partial System.Text.RegularExpressions.Regex TemplateName();

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{(\d+)\}\}")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    private sealed record ParsedRequest
    {
        public string? To { get; init; }
        public string? TemplateName { get; init; }
        public string? Language { get; init; }
        public string? CallbackData { get; init; }
        public IReadOnlyList<string> Parameters { get; init; } = [];
        public IReadOnlyList<string> ButtonPayloads { get; init; } = [];
        public InvalidRequest? Invalid { get; init; }
    }

    private sealed record InvalidRequest(int Code, string Message, string? Details);

    private sealed record StatusReport(Uri WebhookUrl, string AppSecret, TimeSpan After, TimeSpan? ReceiptsApart);

    private sealed record EveryoneFault(DateTimeOffset Until, WhatsAppFault? Fault, TimeSpan? Stall);
}

/// <summary>
/// One status webhook the fake posted (<see cref="FakeWhatsAppApi.ReportStatusesTo"/>): the message, the status, when it
/// was posted, how long the webhook took to answer, and its HTTP status (0: no answer, the host was down).
/// </summary>
public sealed record StatusPost(string MessageId, string Status, DateTimeOffset PostedAt, TimeSpan Latency, int HttpStatus)
{
    public bool Taken => HttpStatus is >= 200 and < 300;
}

/// <summary>One request the fake received and how it answered (<see cref="MessageId"/> is set when accepted).</summary>
public sealed record FakeWhatsAppRequest(
    DateTimeOffset ReceivedAt,
    string? To,
    string? TemplateName,
    string? Language,
    IReadOnlyList<string> Parameters,
    string? BizOpaqueCallbackData,
    int StatusCode,
    int? ErrorCode,
    string? MessageId,
    string RawBody)
{
    /// <summary>The quick-reply buttons' payloads, in button order.</summary>
    public IReadOnlyList<string> ButtonPayloads { get; init; } = [];

    /// <summary>
    /// Accepted, then reported <c>failed</c> with this fault's code instead of <c>sent</c>
    /// (<see cref="FakeWhatsAppApi.FailAfterAcceptingNext"/>); null when its status was <c>sent</c> or none was posted.
    /// </summary>
    public WhatsAppFault? LateFault { get; init; }

    public override string ToString() =>
        $"{ReceivedAt:HH:mm:ss.fff} to={To} template={TemplateName}/{Language} data={BizOpaqueCallbackData} -> {StatusCode}{(ErrorCode is null ? "" : $" code {ErrorCode}")} {MessageId}{(LateFault is null ? "" : $" then failed {LateFault.MetaCode}")} [{string.Join(" | ", Parameters)}]";
}

/// <summary>A scripted Meta failure: HTTP status, Meta error code and message; <c>Delay</c> holds the answer back (timeouts).</summary>
public sealed record WhatsAppFault(int HttpStatus, int MetaCode, string Message, TimeSpan? RetryAfter = null, string? Details = null, TimeSpan? Delay = null)
{
    /// <summary>Answers 500 only after <paramref name="delay"/>: longer than the client's timeout, it is a timeout.</summary>
    public static WhatsAppFault Slow(TimeSpan delay) => new(500, 1, "An unknown error occurred", Delay: delay);

    public static WhatsAppFault ServerError { get; } = new(500, 1, "An unknown error occurred");
    public static WhatsAppFault RateLimited { get; } = new(429, 130429, "(#130429) Rate limit hit", TimeSpan.FromSeconds(1), "Cloud API message throughput has been reached.");
    public static WhatsAppFault PairRateLimited { get; } = new(400, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit", Details: "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.");
    public static WhatsAppFault Undeliverable { get; } = new(400, 131026, "(#131026) Message undeliverable", Details: "Message Undeliverable.");
    public static WhatsAppFault TemplateNotFound { get; } = new(404, 132001, "(#132001) Template name does not exist in the translation", Details: "template name does not exist in the specified language");
    public static WhatsAppFault TokenExpired { get; } = new(401, 190, "Error validating access token: Session has expired.");

    // Codes from Meta's published Cloud API error list; the HTTP status each comes with is as third-party references show it.
    public static WhatsAppFault ApiUnknown { get; } = new(400, 1, "(#1) An unknown error occurred", Details: "Invalid request or possible server error.");
    public static WhatsAppFault ApiService { get; } = new(503, 2, "(#2) Service temporarily unavailable", Details: "Temporary due to downtime or due to being overloaded.");
    public static WhatsAppFault UserTooManyCalls { get; } = new(400, 17, "(#17) User request limit reached");
    public static WhatsAppFault ApplicationLimit { get; } = new(400, 341, "(#341) Application limit reached");
    public static WhatsAppFault TemporarilyBlocked { get; } = new(403, 368, "(#368) Temporarily blocked for policies violations");
    public static WhatsAppFault ServiceUnavailable { get; } = new(500, 131016, "(#131016) Service unavailable", Details: "A service is temporarily unavailable.");
    public static WhatsAppFault TemplatePaused { get; } = new(400, 132015, "(#132015) Template is paused", Details: "Template is paused due to low quality so it cannot be sent in a template message.");
    public static WhatsAppFault MarketingStopped { get; } = new(400, 131050, "(#131050) Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.");
    public static WhatsAppFault EcosystemEngagement { get; } = new(400, 131049, "(#131049) This message was not delivered to maintain healthy ecosystem engagement.");
    /// <summary>130472: the number is part of one of Meta's experiments (error codes page); reported as a failed status.</summary>
    public static WhatsAppFault UserInExperiment { get; } = new(400, 130472, "(#130472) User's number is part of an experiment", Details: "Failed to send message because this user's phone number is part of an experiment.");

    // Refusals of the whole account, titled and described as on Meta's WhatsApp error codes page
    // (developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes). That page gives no HTTP
    // status for them: 401 for the authentication one, 403 for the permission one and 400 for the rest are a guess.
    public static WhatsAppFault AuthException { get; } = new(401, 0, "(#0) AuthException", Details: "We were unable to authenticate the app user.");
    public static WhatsAppFault PermissionDenied { get; } = new(403, 10, "(#10) Permission denied", Details: "Permission is either not granted or has been removed.");
    public static WhatsAppFault AccountLocked { get; } = new(400, 131031, "(#131031) Business Account locked", Details: "Your WhatsApp Business Account has been locked.");
    public static WhatsAppFault PaymentIssue { get; } = new(400, 131042, "(#131042) Business eligibility payment issue", Details: "Message failed to send because there were one or more errors related to your payment method.");
    public static WhatsAppFault NumberNotRegistered { get; } = new(400, 133010, "(#133010) Phone number not registered", Details: "The phone number is not registered on the WhatsApp Business Platform.");
}

/// <summary>One message_templates call the fake received and the status it answered.</summary>
public sealed record FakeTemplateRequest(string Method, string PathAndQuery, int StatusCode, string Body);
