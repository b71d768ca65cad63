using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Messaging;

/// <summary>One template message as the Cloud API takes it.</summary>
/// <remarks><c>To</c> is E.164 (sent as digits only); <c>CallbackData</c> comes back in status webhooks as <c>biz_opaque_callback_data</c>.</remarks>
public sealed record TemplateMessage(string To, string TemplateName, string Language, IReadOnlyList<string> Parameters, string? CallbackData)
{
    /// <summary>One payload per quick-reply button of the template, in button order; they come back when a button is tapped.</summary>
    public IReadOnlyList<string> ButtonPayloads { get; init; } = [];
}

/// <summary>
/// The WhatsApp Cloud API (Graph) <c>/messages</c> endpoint: one request per call, its answer classified
/// by Meta's error code. It never retries; the appointment grain owns retries and their backoff.
/// </summary>
public sealed partial class WhatsAppClient(
    HttpClient http, IOptionsMonitor<WhatsAppOptions> options, AccessTokenStatus tokens, TurtleClock timeProvider, ILogger<WhatsAppClient> logger)
{
    /// <summary>
    /// Requests a process has at Meta at once, and so its connections to the Graph API. A burst of due messages or a
    /// Graph stall would otherwise open a connection for every waiting booking (tens of thousands: the host runs out of
    /// file handles). At Meta's default 80 messages a second this is more than a silo needs.
    /// </summary>
    public const int MaxInFlight = 128;

    // Waiting here is outside the request's timeout: a request still waiting has not left, and is not reported unanswered.
    private static readonly SemaphoreSlim InFlight = new(MaxInFlight);

    public async Task<SendOutcome> SendTemplateAsync(TemplateMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.CurrentValue;
        var token = settings.AccessToken!;
        var masked = PhoneMask.Mask(message.To);
        var body = new GraphMessageRequest(
            To: PhoneMask.Digits(message.To),
            Template: new GraphTemplate(
                message.TemplateName,
                new GraphLanguage(message.Language),
                [
                    new GraphComponent("body", [.. message.Parameters.Select(p => new GraphParameter("text", p))]),
                    .. message.ButtonPayloads.Select((payload, i) => new GraphComponent("button", [new GraphParameter("payload", Payload: payload)])
                    {
                        SubType = "quick_reply",
                        Index = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    }),
                ]),
            BizOpaqueCallbackData: message.CallbackData);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.ApiVersion}/{settings.PhoneNumberId}/messages")
        {
            Content = JsonContent.Create(body, GraphJsonContext.Default.GraphMessageRequest),
        };
        request.Headers.Authorization = new("Bearer", token);

        await InFlight.WaitAsync(cancellationToken);
        try
        {
            return await SendAsync(request, token, masked, message.CallbackData, cancellationToken);
        }
        finally
        {
            InFlight.Release();
        }
    }

    private async Task<SendOutcome> SendAsync(HttpRequestMessage request, string token, string masked, string? callbackData, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogNetworkFailure(masked, callbackData, $"no answer within {http.Timeout.TotalSeconds:0} s");
            return new SendOutcome(SendResult.Unanswered, ErrorText: $"WhatsApp API did not answer within {http.Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex) when (NeverReached(ex))
        {
            LogNetworkFailure(masked, callbackData, ex.Message);
            return new SendOutcome(SendResult.Transient, ErrorText: $"WhatsApp API unreachable: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            LogNetworkFailure(masked, callbackData, ex.Message);
            return new SendOutcome(SendResult.Unanswered, ErrorText: $"WhatsApp API gave no answer: {ex.Message}");
        }

        using (response)
        {
            return response.IsSuccessStatusCode
                ? await ReadAcceptedAsync(response, token, masked, callbackData, cancellationToken)
                : await ReadFailureAsync(response, token, masked, callbackData, cancellationToken);
        }
    }

    /// <summary>No connection was made, so Meta never saw the request: trying again cannot send it twice.</summary>
    private static bool NeverReached(HttpRequestException ex) => ex.HttpRequestError is HttpRequestError.ConnectionError
        or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private async Task<SendOutcome> ReadAcceptedAsync(HttpResponseMessage response, string token, string masked, string? callbackData, CancellationToken cancellationToken)
    {
        GraphMessageResponse? accepted = null;
        try
        {
            accepted = await response.Content.ReadFromJsonAsync(GraphJsonContext.Default.GraphMessageResponse, cancellationToken);
        }
        catch (JsonException)
        {
            // Falls through to the missing-id outcome below.
        }
        var accepted0 = accepted?.Messages is [var first, ..] ? first : null;
        var id = accepted0?.Id;
        if (string.IsNullOrEmpty(id))
        {
            // Meta took the request, so another attempt could deliver twice: fail it for good instead.
            LogUnreadableAcceptance(masked, callbackData, (int)response.StatusCode);
            return new SendOutcome(SendResult.Permanent, ErrorText: $"WhatsApp API answered {(int)response.StatusCode} without a message id.");
        }
        tokens.Accepted(token);
        var status = accepted0?.MessageStatus is { Length: > 0 } given && given != "accepted" ? given : null;
        LogSent(masked, callbackData, id, status ?? "accepted");
        return SendOutcome.Accepted(id) with
        {
            WaId = accepted?.Contacts is [var contact, ..] ? contact.WaId : null,
            MessageStatus = status,
        };
    }

    private async Task<SendOutcome> ReadFailureAsync(HttpResponseMessage response, string token, string masked, string? callbackData, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        GraphError? error = null;
        try
        {
            error = (await response.Content.ReadFromJsonAsync(GraphJsonContext.Default.GraphErrorResponse, cancellationToken))?.Error;
        }
        catch (JsonException)
        {
            // A proxy or load balancer answered (HTML, empty body): the HTTP status alone decides.
        }

        var text = error?.Message is { Length: > 0 } message
            ? error.ErrorData?.Details is { Length: > 0 } details && details != message ? $"{message}: {details}" : message
            : $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
        switch (MetaErrorCodes.Classify(error?.Code, status))
        {
            case MetaErrorKind.Retry:
                var retryAfter = RetryAfter(response);
                LogTransientFailure(masked, callbackData, status, error?.Code, text, error?.FbTraceId);
                return new SendOutcome(SendResult.Transient, ErrorCode: error?.Code, ErrorText: text, RetryAfter: retryAfter);
            case MetaErrorKind.AccountHold:
                tokens.Refused(token, error?.Code is { } code ? $"error {code}: {text}" : $"HTTP {status}: {text}", error?.FbTraceId);
                return new SendOutcome(SendResult.TokenRefused, ErrorCode: error?.Code ?? MetaErrorCodes.AccessTokenExpired, ErrorText: text);
            default:
                LogPermanentFailure(masked, callbackData, status, error?.Code, text, error?.FbTraceId);
                var meaning = MetaErrorCodes.Meaning(error?.Code);
                return new SendOutcome(SendResult.Permanent, ErrorCode: error?.Code, ErrorText: meaning is null ? text : $"{text} — {meaning}");
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp message {CallbackData} to {To} {Status} as {MessageId}")]
    private partial void LogSent(string to, string? callbackData, string messageId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp message {CallbackData} to {To} failed for now (HTTP {Status}, code {Code}): {Error} [fbtrace {FbTraceId}]")]
    private partial void LogTransientFailure(string to, string? callbackData, int status, int? code, string error, string? fbTraceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp message {CallbackData} to {To} refused (HTTP {Status}, code {Code}): {Error} [fbtrace {FbTraceId}]")]
    private partial void LogPermanentFailure(string to, string? callbackData, int status, int? code, string error, string? fbTraceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp message {CallbackData} to {To} not sent: {Reason}")]
    private partial void LogNetworkFailure(string to, string? callbackData, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "WhatsApp message {CallbackData} to {To}: HTTP {Status} without a message id; not retried")]
    private partial void LogUnreadableAcceptance(string to, string? callbackData, int status);

}

internal sealed record GraphMessageRequest(
    [property: JsonPropertyName("to"), JsonPropertyOrder(2)] string To,
    [property: JsonPropertyName("template"), JsonPropertyOrder(4)] GraphTemplate Template,
    [property: JsonPropertyName("biz_opaque_callback_data"), JsonPropertyOrder(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BizOpaqueCallbackData)
{
    [JsonPropertyName("messaging_product"), JsonPropertyOrder(0)]
    public string MessagingProduct { get; init; } = "whatsapp";

    [JsonPropertyName("recipient_type"), JsonPropertyOrder(1)]
    public string RecipientType { get; init; } = "individual";

    [JsonPropertyName("type"), JsonPropertyOrder(3)]
    public string Type { get; init; } = "template";
}

internal sealed record GraphTemplate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("language")] GraphLanguage Language,
    [property: JsonPropertyName("components")] IReadOnlyList<GraphComponent> Components);

internal sealed record GraphLanguage([property: JsonPropertyName("code")] string Code);

internal sealed record GraphComponent(
    [property: JsonPropertyName("type"), JsonPropertyOrder(0)] string Type,
    [property: JsonPropertyName("parameters"), JsonPropertyOrder(3)] IReadOnlyList<GraphParameter> Parameters)
{
    /// <summary><c>quick_reply</c> for a button component.</summary>
    [JsonPropertyName("sub_type"), JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SubType { get; init; }

    /// <summary>The button's position in the template, as a string (<c>"0"</c>).</summary>
    [JsonPropertyName("index"), JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Index { get; init; }
}

internal sealed record GraphParameter(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text = null,
    [property: JsonPropertyName("payload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Payload = null);

internal sealed record GraphMessageResponse(
    [property: JsonPropertyName("contacts")] IReadOnlyList<GraphContact>? Contacts,
    [property: JsonPropertyName("messages")] IReadOnlyList<GraphMessageId>? Messages);

internal sealed record GraphContact([property: JsonPropertyName("input")] string? Input, [property: JsonPropertyName("wa_id")] string? WaId);

internal sealed record GraphMessageId([property: JsonPropertyName("id")] string? Id, [property: JsonPropertyName("message_status")] string? MessageStatus);

internal sealed record GraphErrorResponse([property: JsonPropertyName("error")] GraphError? Error);

internal sealed record GraphError(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("error_subcode")] int? ErrorSubcode,
    [property: JsonPropertyName("error_data")] GraphErrorData? ErrorData,
    [property: JsonPropertyName("fbtrace_id")] string? FbTraceId,
    [property: JsonPropertyName("error_user_msg")] string? ErrorUserMsg = null);

internal sealed record GraphErrorData([property: JsonPropertyName("details")] string? Details);

[JsonSerializable(typeof(GraphMessageRequest))]
[JsonSerializable(typeof(GraphMessageResponse))]
[JsonSerializable(typeof(GraphErrorResponse))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;
