using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Turtle.Grains.Records;

public static class RecordServiceExtensions
{
    /// <summary>The <c>Records</c> section's erasure key, bound and checked at start (a value that is not a boolean names its key).</summary>
    public static IServiceCollection AddRecordOptions(this IServiceCollection services)
    {
        services.AddOptions<RecordOptions>().BindConfiguration(RecordOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>The <c>Records</c> keys of retention, validated as the silo starts (a bad value stops it, naming the key).</summary>
    public static IServiceCollection AddRecordRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
