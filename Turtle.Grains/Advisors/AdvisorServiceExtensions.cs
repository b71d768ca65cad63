using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Advisors;

public static class AdvisorServiceExtensions
{
    /// <summary>The <c>Advisors</c> options (validated at start) and the source they select.</summary>
    public static IServiceCollection AddAdvisors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdvisorOptions>()
            .Bind(configuration.GetSection(AdvisorOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(TurtleClock.Real);
        services.TryAddSingleton<GoogleSheetsCredential>();
        services.TryAddTransient<CsvAdvisorSource>();
        services.AddHttpClient<GoogleSheetsAdvisorSource>((provider, http) =>
            {
                var baseUrl = provider.GetRequiredService<IOptions<AdvisorOptions>>().Value.SheetsApiBaseUrl;
                http.BaseAddress = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
                // The source bounds each read itself (Advisors:SheetsTimeout), token request included.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The directory grain keeps its source for as long as it is active: recycle connections, not the handler.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.TryAddTransient<IAdvisorSource>(provider =>
            provider.GetRequiredService<IOptions<AdvisorOptions>>().Value.Source == AdvisorSourceKind.GoogleSheets
                ? provider.GetRequiredService<GoogleSheetsAdvisorSource>()
                : provider.GetRequiredService<CsvAdvisorSource>());
        return services;
    }
}
