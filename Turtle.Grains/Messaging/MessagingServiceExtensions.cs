using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Messaging;

public static class MessagingServiceExtensions
{
    /// <summary>The <c>WhatsApp</c> options (validated at start), the Graph API client, the sender and the dry-run outbox.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<WhatsAppOptions>()
            .Bind(configuration.GetSection(WhatsAppOptions.Section))
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<Calendly.CalendlyLinkOptions>()
            .Bind(configuration.GetSection(Calendly.CalendlyLinkOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton<OutboxWriter>();
        services.TryAddSingleton<AccessTokenStatus>();
        // No resilience handler: a retry here would be invisible to the appointment, which owns retries and backoff.
        services.AddHttpClient<WhatsAppClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
            http.BaseAddress = new Uri(options.ApiBaseUrl.TrimEnd('/') + "/");
            http.Timeout = options.RequestTimeout;
        });
        services.TryAddTransient<IWhatsAppSender, WhatsAppSender>();
        return services;
    }
}
