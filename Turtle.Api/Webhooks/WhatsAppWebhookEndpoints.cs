using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Turtle.Grains.Messaging;
using Turtle.Grains.Telemetry;
using Turtle.Grains.Templates;

namespace Turtle.Api.Webhooks;

public sealed record WhatsAppWebhookAnswer(int Statuses, int OptOuts, int OptIns, int Ignored)
{
    /// <summary>Reconfirm answers applied to their booking.</summary>
    public int Answers { get; init; }

    /// <summary>Messages recorded as replies with a booking of their number.</summary>
    public int Replies { get; init; }

    /// <summary>Messages from a BSUID linked to no number, listed under <c>unmatched-reply</c>.</summary>
    public int Unmatched { get; init; }

    /// <summary>Template status, category and quality changes applied.</summary>
    public int Templates { get; init; }

    /// <summary>Statuses about no message Turtle sent (counted as <c>turtle_webhooks_total{outcome="unmatched"}</c>).</summary>
    public int UnmatchedStatuses { get; init; }
}

/// <summary>
/// <c>/webhooks/whatsapp</c>: Meta's subscription check, delivery statuses, and what clients send (<see cref="ClientMessages"/>).
/// Answers 200 only once every update is applied, so Meta redelivers what could not be.
/// </summary>
public static partial class WhatsAppWebhookEndpoints
{
    /// <summary>
    /// Meta batches many updates in one delivery and retries a refused one for days, so its bodies may be far larger
    /// than Calendly's; beyond this a body is refused before it is read whole.
    /// </summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    public static IServiceCollection AddWhatsAppWebhooks(this IServiceCollection services)
    {
        // The silo's own WhatsApp options: the app secret, verify token and phone number id are one set of keys for both.
        services.AddOptions<WhatsAppOptions>().BindConfiguration(WhatsAppOptions.Section);
        services.AddSingleton<WhatsAppUsers>();
        return services;
    }

    public static RouteGroupBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks/whatsapp").WithTags("Webhooks");
        group.MapGet("", Verify).WithSummary("Meta's webhook verification: echoes hub.challenge when hub.verify_token matches.");
        group.MapPost("", HandleAsync)
            .WithSummary("Meta webhook: message statuses, inbound texts and button replies, and template status, category and quality changes, signed with X-Hub-Signature-256.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    public static Results<ContentHttpResult, ProblemHttpResult> Verify(
        [FromQuery(Name = "hub.mode")] string? mode,
        [FromQuery(Name = "hub.verify_token")] string? token,
        [FromQuery(Name = "hub.challenge")] string? challenge,
        IOptions<WhatsAppOptions> options)
    {
        var expected = options.Value.VerifyToken;
        var matches = !string.IsNullOrEmpty(expected) && token is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected));
        return mode == "subscribe" && matches
            ? TypedResults.Text(challenge ?? "", "text/plain")
            : TypedResults.Problem("hub.mode or hub.verify_token is wrong.", statusCode: StatusCodes.Status403Forbidden);
    }

    public static async Task<Results<Ok<WhatsAppWebhookAnswer>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpContext context, IOptions<WhatsAppOptions> options, IHostEnvironment environment, IClusterClient cluster, ClusterConnection connection,
        WhatsAppUsers users, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(WhatsAppWebhookEndpoints));
        var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            TurtleMetrics.Webhook(WebhookSource.WhatsApp, TurtleMetrics.UnknownEvent, WebhookOutcome.Malformed);
            return TypedResults.Problem($"The body is larger than {MaxBodyBytes >> 20} MiB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        var secret = options.Value.AppSecret;
        if (string.IsNullOrEmpty(secret))
        {
            if (!environment.IsDevelopment())
            {
                TurtleMetrics.Webhook(WebhookSource.WhatsApp, TurtleMetrics.UnknownEvent, WebhookOutcome.Refused);
                return TypedResults.Problem("WhatsApp:AppSecret is not configured; WhatsApp webhooks are refused.", statusCode: StatusCodes.Status401Unauthorized);
            }
            LogUnsigned(logger);
        }
        else if (!MetaSignature.IsValid(secret, context.Request.Headers[MetaSignature.Header], body))
        {
            LogRefused(logger);
            TurtleMetrics.Webhook(WebhookSource.WhatsApp, TurtleMetrics.UnknownEvent, WebhookOutcome.Refused);
            return TypedResults.Problem($"The {MetaSignature.Header} signature does not match the body.", statusCode: StatusCodes.Status401Unauthorized);
        }

        WhatsAppWebhookBatch batch;
        try
        {
            batch = WhatsAppWebhookParser.Parse(body, options.Value.PhoneNumberId);
        }
        catch (JsonException e)
        {
            TurtleMetrics.Webhook(WebhookSource.WhatsApp, TurtleMetrics.UnknownEvent, WebhookOutcome.Malformed);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["entry"] = [e.Message] }, "The body is not a WhatsApp webhook.");
        }

        if (batch.Count > 0 && !connection.IsConnected)
        {
            LogClusterUnavailable(logger, null);
            TurtleMetrics.Webhook(WebhookSource.WhatsApp, Event(batch), WebhookOutcome.Unavailable);
            return ClusterConnection.RetryLater(context);
        }
        var received = Event(batch);
        try
        {
            (batch, var unmatched) = await users.ResolveAsync(batch);
            var unmatchedStatuses = await DeliveryStatuses.ApplyAsync(cluster, batch.Statuses);
            for (var i = 0; i < unmatchedStatuses; i++)
            {
                TurtleMetrics.Webhook(WebhookSource.WhatsApp, TurtleMetrics.WhatsAppStatusEvent, WebhookOutcome.Unmatched);
            }
            var clients = await ClientMessages.ApplyAsync(cluster, batch);
            var templates = await ApplyTemplatesAsync(cluster, batch, options.Value.BusinessAccountId);
            TurtleMetrics.Webhook(WebhookSource.WhatsApp, received, batch.Count + unmatched > 0 ? WebhookOutcome.Applied : WebhookOutcome.Ignored);
            return TypedResults.Ok(new WhatsAppWebhookAnswer(batch.Statuses.Count - unmatchedStatuses, clients.OptOuts, clients.OptIns, batch.Ignored)
            {
                UnmatchedStatuses = unmatchedStatuses,
                Answers = clients.Answers,
                Replies = clients.Replies,
                Unmatched = unmatched,
                Templates = templates,
            });
        }
        catch (Exception e) when (ClusterConnection.IsUnavailability(e))
        {
            LogClusterUnavailable(logger, e);
            TurtleMetrics.Webhook(WebhookSource.WhatsApp, received, WebhookOutcome.Unavailable);
            return ClusterConnection.RetryLater(context);
        }
    }

    /// <summary>
    /// Each template change to its template's grain, in the order Meta sent them. With <c>WhatsApp:BusinessAccountId</c>
    /// set, changes about another business account of the same app are not Turtle's templates and are left alone.
    /// </summary>
    private static async Task<int> ApplyTemplatesAsync(IClusterClient cluster, WhatsAppWebhookBatch batch, string? businessAccountId)
    {
        var applied = 0;
        foreach (var change in batch.Templates)
        {
            if (!string.IsNullOrEmpty(businessAccountId) && change.BusinessAccountId is { } account && account != businessAccountId)
            {
                continue;
            }
            await cluster.GetGrain<ITemplateGrain>(TemplateKey.Of(change.Update.Name, change.Update.Language)).ApplyAsync(change.Update);
            applied++;
        }
        return applied;
    }

    /// <summary>The metrics' event: inbound messages when the delivery has any, template changes, else delivery statuses.</summary>
    private static string Event(WhatsAppWebhookBatch batch) =>
        batch.Texts.Count + batch.Buttons.Count > 0 ? TurtleMetrics.WhatsAppMessageEvent
        : batch.Templates.Count > 0 && batch.Statuses.Count == 0 ? TurtleMetrics.WhatsAppTemplateEvent
        : TurtleMetrics.WhatsAppStatusEvent;

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook accepted unsigned: WhatsApp:AppSecret is not set (Development only)")]
    private static partial void LogUnsigned(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook refused: bad X-Hub-Signature-256")]
    private static partial void LogRefused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook not applied: cluster unavailable; answering 503")]
    private static partial void LogClusterUnavailable(ILogger logger, Exception? exception);
}
