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
        services.AddWhatsAppOptions(configuration);
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
        // The templates' status at Meta, for a template its webhooks have not reported on yet.
        services.AddTemplateClient();
        return services;
    }

    /// <summary>
    /// <c>./turtle whatsapp templates</c>: the same <c>WhatsApp</c> options (a phone number id is not needed to manage
    /// templates) and the Graph API's message_templates endpoints. No retries: the operator sees Meta's answer.
    /// </summary>
    public static IServiceCollection AddMessageTemplateManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWhatsAppOptions(configuration, sending: false);
        services.AddTemplateClient();
        return services;
    }

    private static void AddTemplateClient(this IServiceCollection services) =>
        services.AddHttpClient<MessageTemplateClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
            http.BaseAddress = new Uri(options.ApiBaseUrl.TrimEnd('/') + "/");
            http.Timeout = options.RequestTimeout;
        });

    /// <summary>The <c>WhatsApp</c> section with every kind's template defaults applied, validated at start.</summary>
    private static void AddWhatsAppOptions(this IServiceCollection services, IConfiguration configuration, bool sending = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(TurtleClock.Real);
        services.AddOptions<WhatsAppOptions>()
            .Bind(configuration.GetSection(WhatsAppOptions.Section))
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WhatsAppOptions>>(new WhatsAppOptionsValidation(sending));
    }

    private sealed class WhatsAppOptionsValidation(bool sending) : IValidateOptions<WhatsAppOptions>
    {
        public ValidateOptionsResult Validate(string? name, WhatsAppOptions options)
        {
            var failures = options.Validate(sending).Select(r => r.ErrorMessage ?? "WhatsApp options are not valid.").ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
