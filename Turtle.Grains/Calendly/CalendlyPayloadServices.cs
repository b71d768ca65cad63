using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Calendly;

public static class CalendlyPayloadServices
{
    /// <summary>
    /// Reading Calendly's invitees into bookings (the webhook in the API, reconciliation in the silo: the same rules),
    /// with phone numbers normalised in <c>Notifications:DefaultRegion</c>.
    /// </summary>
    public static IServiceCollection AddCalendlyPayloads(this IServiceCollection services)
    {
        // The Notifications section brings the phone number normaliser (Notifications:DefaultRegion).
        services.AddNotificationOptions();
        services.TryAddSingleton<CalendlyPayloadParser>();
        services.TryAddSingleton<CalendlyBookingMapper>();
        return services;
    }
}
