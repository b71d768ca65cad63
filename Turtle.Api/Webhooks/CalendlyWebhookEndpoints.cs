namespace Turtle.Api.Webhooks;

public static class CalendlyWebhookEndpoints
{
    public static IServiceCollection AddCalendlyWebhooks(this IServiceCollection services) => services;

    public static RouteGroupBuilder MapCalendlyWebhooks(this IEndpointRouteBuilder app) => app.MapGroup("/webhooks/calendly");
}
