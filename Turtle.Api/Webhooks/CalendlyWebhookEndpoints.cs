using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Turtle.Grains;
using Turtle.Grains.Appointments;
using Turtle.Grains.Calendly;
using Turtle.Grains.Telemetry;

namespace Turtle.Api.Webhooks;

public sealed record CalendlyWebhookAnswer(string AppointmentId, AppointmentStatus Status, bool Changed);

public sealed record CalendlyWebhookIgnored(string Event, string Status = "ignored");

/// <summary><c>POST /webhooks/calendly</c>: verify, parse, hand to the invitee's grain, answer once it has stored the booking.</summary>
public static partial class CalendlyWebhookEndpoints
{
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Where Calendly posts; <c>./turtle calendly subscribe</c> subscribes the public base URL plus this.</summary>
    public const string Route = "/webhooks/calendly";

    public static IServiceCollection AddCalendlyWebhooks(this IServiceCollection services)
    {
        services.AddOptions<CalendlyOptions>().BindConfiguration(CalendlyOptions.Section)
            .Validate(o => o.SignatureTolerance > TimeSpan.Zero && o.SignatureTolerance <= TimeSpan.FromHours(1),
                "Calendly:SignatureTolerance must be positive and at most 01:00:00.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddCalendlyPayloads();
        services.AddSingleton<CalendlyWebhookGuard>();
        services.AddHostedService(sp => sp.GetRequiredService<CalendlyWebhookGuard>());
        return services;
    }

    public static RouteGroupBuilder MapCalendlyWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("Webhooks");
        group.MapPost("", HandleAsync)
            .WithSummary("Calendly webhook v2 (invitee.created, invitee.canceled, invitee_no_show.created, invitee_no_show.deleted), signed with Calendly-Webhook-Signature.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    public static async Task<Results<Ok<CalendlyWebhookAnswer>, Ok<CalendlyWebhookIgnored>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpContext context, CalendlyWebhookGuard guard, CalendlyPayloadParser parser, IClusterClient cluster, ClusterConnection connection, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(CalendlyWebhookEndpoints));
        var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            TurtleMetrics.Webhook(WebhookSource.Calendly, TurtleMetrics.UnknownEvent, WebhookOutcome.Malformed);
            return TypedResults.Problem($"The body is larger than {MaxBodyBytes / 1024} KiB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var signature = guard.Check(context.Request.Headers[CalendlySignature.Header], body);
        if (signature != CalendlySignatureStatus.Valid)
        {
            LogRefused(logger, signature);
            TurtleMetrics.Webhook(WebhookSource.Calendly, TurtleMetrics.UnknownEvent, WebhookOutcome.Refused);
            return TypedResults.Problem(Explain(signature, guard.Tolerance), statusCode: StatusCodes.Status401Unauthorized);
        }

        CalendlyWebhookEvent webhook;
        try
        {
            webhook = parser.Parse(body);
        }
        catch (CalendlyPayloadException e)
        {
            LogMalformed(logger, e.Field, e.Problem);
            TurtleMetrics.Webhook(WebhookSource.Calendly, TurtleMetrics.UnknownEvent, WebhookOutcome.Malformed);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Problem] }, "The body is not a usable Calendly webhook.");
        }

        var booking = webhook switch
        {
            InviteeCreatedEvent created => created.Booking,
            InviteeCanceledEvent canceled => canceled.Cancellation.Booking,
            _ => null,
        };
        if (webhook is InviteeNoShowEvent noShow)
        {
            return await MarkNoShowAsync(context, noShow, cluster, connection, logger);
        }
        if (booking is null)
        {
            LogIgnored(logger, webhook.EventType);
            TurtleMetrics.Webhook(WebhookSource.Calendly, webhook.EventType, WebhookOutcome.Ignored);
            return TypedResults.Ok(new CalendlyWebhookIgnored(webhook.EventType));
        }

        if (!connection.IsConnected)
        {
            LogClusterUnavailable(logger, null, webhook.EventType, booking.InviteeId);
            TurtleMetrics.Webhook(WebhookSource.Calendly, webhook.EventType, WebhookOutcome.Unavailable);
            return ClusterConnection.RetryLater(context);
        }
        try
        {
            var grain = cluster.GetGrain<IAppointmentGrain>(booking.InviteeId);
            var result = webhook is InviteeCanceledEvent cancel ? await grain.CancelAsync(cancel.Cancellation) : await grain.BookAsync(booking);
            if (logger.IsEnabled(LogLevel.Information))
            {
                var phone = PhoneMask.Mask(booking.Phone);
                LogApplied(logger, webhook.EventType, booking.InviteeId, phone, result.Status, result.Changed);
            }
            TurtleMetrics.Webhook(WebhookSource.Calendly, webhook.EventType, result.Changed ? WebhookOutcome.Applied : WebhookOutcome.Repeat);
            return TypedResults.Ok(new CalendlyWebhookAnswer(booking.InviteeId, result.Status, result.Changed));
        }
        catch (Exception e) when (ClusterConnection.IsUnavailability(e))
        {
            // Anything else is a bug: the exception handler answers 500 and logs it.
            LogClusterUnavailable(logger, e, webhook.EventType, booking.InviteeId);
            TurtleMetrics.Webhook(WebhookSource.Calendly, webhook.EventType, WebhookOutcome.Unavailable);
            return ClusterConnection.RetryLater(context);
        }
    }

    /// <summary><c>invitee_no_show.*</c>: applied by the invitee's booking, answered once it is stored (a booking Turtle never stored ignores it).</summary>
    private static async Task<Results<Ok<CalendlyWebhookAnswer>, Ok<CalendlyWebhookIgnored>, ValidationProblem, ProblemHttpResult>> MarkNoShowAsync(
        HttpContext context, InviteeNoShowEvent noShow, IClusterClient cluster, ClusterConnection connection, ILogger logger)
    {
        var id = noShow.Mark.InviteeId;
        if (!connection.IsConnected)
        {
            LogClusterUnavailable(logger, null, noShow.EventType, id);
            TurtleMetrics.Webhook(WebhookSource.Calendly, noShow.EventType, WebhookOutcome.Unavailable);
            return ClusterConnection.RetryLater(context);
        }
        try
        {
            var result = await cluster.GetGrain<IAppointmentGrain>(id).MarkNoShowAsync(noShow.Mark);
            LogApplied(logger, noShow.EventType, id, "-", result.Status, result.Changed);
            TurtleMetrics.Webhook(WebhookSource.Calendly, noShow.EventType, result.Changed ? WebhookOutcome.Applied : WebhookOutcome.Repeat);
            return TypedResults.Ok(new CalendlyWebhookAnswer(id, result.Status, result.Changed));
        }
        catch (Exception e) when (ClusterConnection.IsUnavailability(e))
        {
            LogClusterUnavailable(logger, e, noShow.EventType, id);
            TurtleMetrics.Webhook(WebhookSource.Calendly, noShow.EventType, WebhookOutcome.Unavailable);
            return ClusterConnection.RetryLater(context);
        }
    }

    private static string Explain(CalendlySignatureStatus status, TimeSpan tolerance) => status switch
    {
        CalendlySignatureStatus.Missing => $"The {CalendlySignature.Header} header is missing.",
        CalendlySignatureStatus.Malformed => $"The {CalendlySignature.Header} header is not 't=<unix>,v1=<hex>'.",
        CalendlySignatureStatus.Stale => tolerance.TotalSeconds % 60 == 0
            ? $"The signature timestamp is more than {tolerance.TotalMinutes:0} minutes away from now (Calendly:SignatureTolerance)."
            : $"The signature timestamp is more than {tolerance.TotalSeconds:0} seconds away from now (Calendly:SignatureTolerance).",
        CalendlySignatureStatus.KeyNotConfigured => "Calendly:SigningKey is not configured; Calendly webhooks are refused.",
        _ => "The signature does not match the body.",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendly webhook refused: signature {Status}")]
    private static partial void LogRefused(ILogger logger, CalendlySignatureStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendly webhook malformed: {Field} {Problem}")]
    private static partial void LogMalformed(ILogger logger, string field, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calendly webhook {EventType} ignored")]
    private static partial void LogIgnored(ILogger logger, string eventType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calendly {EventType} for invitee {InviteeId} (phone {Phone}): {Status}, changed {Changed}")]
    private static partial void LogApplied(ILogger logger, string eventType, string inviteeId, string phone, AppointmentStatus status, bool changed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendly {EventType} for invitee {InviteeId} not stored: cluster unavailable; answering 503")]
    private static partial void LogClusterUnavailable(ILogger logger, Exception? exception, string eventType, string inviteeId);
}
