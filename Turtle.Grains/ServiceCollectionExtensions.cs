using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Calendly;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;

namespace Turtle.Grains;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything the grains use: options validated at start, the WhatsApp, Sheets and Calendly clients.</summary>
    public static IServiceCollection AddTurtleGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.TryAddSingleton(TurtleClock.Real);
        services.AddAppointments();
        services.AddMessaging(configuration);
        services.AddAdvisors(configuration);
        services.AddCalendlyReconciliation(configuration);
        Records.RecordServiceExtensions.AddRecordOptions(services);
        services.AddRecordRetention(configuration);
        return services;
    }
}
