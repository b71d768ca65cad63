using System.Net;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Messaging;

/// <summary>A template as Meta holds it: one name in one language, and where its review stands.</summary>
public sealed record MetaTemplate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("rejected_reason")] string? RejectedReason)
{
    public const string Approved = "APPROVED";
    public const string Rejected = "REJECTED";
}

/// <summary>The body of <c>POST /{version}/{waba-id}/message_templates</c>.</summary>
public sealed record MetaTemplateSubmission(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("components")] IReadOnlyList<MetaTemplateComponent> Components);

public sealed record MetaTemplateComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string? Text = null,
    [property: JsonPropertyName("example")] MetaComponentExample? Example = null,
    [property: JsonPropertyName("buttons")] IReadOnlyList<MetaTemplateButton>? Buttons = null);

/// <summary>Sample values of a body's placeholders, one list per example (Meta asks for one).</summary>
public sealed record MetaComponentExample([property: JsonPropertyName("body_text")] IReadOnlyList<IReadOnlyList<string>> BodyText);

public sealed record MetaTemplateButton([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("text")] string Text);

/// <summary>Meta's answer to a submission: the new template's id and where its review starts (usually <c>PENDING</c>).</summary>
public sealed record MetaTemplateCreated(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("category")] string? Category);

/// <summary>Meta refused a template call; <see cref="Code"/> is its error code (190: the access token).</summary>
public sealed class MetaApiException(string message, HttpStatusCode? status = null, int? code = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
    public int? Code { get; } = code;

    /// <summary>The access token is wrong or expired: <c>WhatsApp:AccessToken</c> is to be fixed.</summary>
    public bool IsTokenRefused => Code == MetaErrorCodes.AccessTokenExpired || Status == HttpStatusCode.Unauthorized;
}

/// <summary>
/// The WhatsApp Business Management API's <c>message_templates</c> edge of <c>WhatsApp:BusinessAccountId</c>: the
/// templates of a name (every language, every page) and new submissions. Bearer auth with <c>WhatsApp:AccessToken</c>.
/// </summary>
public sealed class MessageTemplateClient(HttpClient http, IOptions<WhatsAppOptions> options)
{
    private const string Fields = "name,language,status,category,rejected_reason,id";

    /// <summary>Submissions written as the operator reads them (apostrophes, not <c>\u0027</c>).</summary>
    private static readonly TemplateJsonContext Readable = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    /// <summary>
    /// Every template named exactly <paramref name="name"/>. Meta's <c>name</c> filter also matches names that only
    /// contain it, so the exact ones are picked here.
    /// </summary>
    public async Task<IReadOnlyList<MetaTemplate>> ListAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var found = new List<MetaTemplate>();
        Uri? next = new($"{Edge()}?name={Uri.EscapeDataString(name)}&fields={Fields}&limit=100", UriKind.Relative);
        for (var pages = 0; next is not null; pages++)
        {
            if (pages == 50)
            {
                throw new MetaApiException($"Meta kept answering more pages of templates named {name}; stopped after 50.");
            }
            using var request = Request(HttpMethod.Get, next);
            var page = await SendAsync(request, TemplateJsonContext.Default.MetaTemplatePage, cancellationToken);
            found.AddRange((page.Data ?? []).Where(t => string.Equals(t.Name, name, StringComparison.Ordinal)));
            next = page.Paging?.Next is { Length: > 0 } link ? new Uri(link, UriKind.Absolute) : null;
        }
        return found;
    }

    public async Task<MetaTemplateCreated> CreateAsync(MetaTemplateSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        using var request = Request(HttpMethod.Post, new Uri(Edge(), UriKind.Relative));
        request.Content = JsonContent.Create(submission, Readable.MetaTemplateSubmission);
        return await SendAsync(request, TemplateJsonContext.Default.MetaTemplateCreated, cancellationToken);
    }

    /// <summary>The JSON Turtle posts for <paramref name="submission"/>, as the command prints it.</summary>
    public static string Json(MetaTemplateSubmission submission) =>
        JsonSerializer.Serialize(submission, Readable.MetaTemplateSubmission);

    private string Edge()
    {
        var settings = options.Value;
        return $"{settings.ApiVersion}/{settings.BusinessAccountId}/message_templates";
    }

    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new("Bearer", options.Value.AccessToken);
        return request;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new MetaApiException($"The Graph API at {options.Value.ApiBaseUrl} could not be reached: {e.Message}");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await FailureAsync(response, cancellationToken);
            }
            try
            {
                return await response.Content.ReadFromJsonAsync(type, cancellationToken) ?? throw new JsonException("empty body");
            }
            catch (JsonException e)
            {
                throw new MetaApiException($"The Graph API answered HTTP {(int)response.StatusCode} with a body Turtle cannot read: {e.Message}", response.StatusCode);
            }
        }
    }

    private static async Task<MetaApiException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        GraphError? error = null;
        try
        {
            error = (await response.Content.ReadFromJsonAsync(GraphJsonContext.Default.GraphErrorResponse, cancellationToken))?.Error;
        }
        catch (JsonException)
        {
            // Not Meta's error envelope: the status says it.
        }
        // Template calls put the reviewer-facing reason in error_user_msg; sends put it in error_data.details.
        var detail = error?.ErrorUserMsg is { Length: > 0 } user ? user : error?.ErrorData?.Details;
        var said = error?.Message is { Length: > 0 } message
            ? (detail is { Length: > 0 } && detail != message ? $"{message}: {detail}" : message)
            : response.ReasonPhrase ?? "no reason given";
        var code = error?.Code is { } c ? $", code {c}" : "";
        return new MetaApiException($"Meta answered HTTP {(int)response.StatusCode}{code}: {said}", response.StatusCode, error?.Code);
    }
}

internal sealed record MetaTemplatePage(
    [property: JsonPropertyName("data")] IReadOnlyList<MetaTemplate>? Data,
    [property: JsonPropertyName("paging")] MetaPaging? Paging);

internal sealed record MetaPaging([property: JsonPropertyName("next")] string? Next);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MetaTemplatePage))]
[JsonSerializable(typeof(MetaTemplateSubmission))]
[JsonSerializable(typeof(MetaTemplateCreated))]
internal sealed partial class TemplateJsonContext : JsonSerializerContext;
