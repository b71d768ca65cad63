using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Calendly;

public static class CalendlyPayloadServices
{
    /// <summary>
    /// Reading Calendly's invitees into bookings (the webhook in the API, reconciliation in the silo: the same rules),
    /// with phone numbers normalised in <c>Notifications:DefaultRegion</c>.
    /// </summary>
    public static IServiceCollection AddCalendlyPayloads(this IServiceCollection services)
    {
        services.AddNotificationOptions();
        services.TryAddSingleton(sp => new PhoneNumberNormalizer(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.DefaultRegion));
        services.TryAddSingleton<CalendlyPayloadParser>();
        services.TryAddSingleton<CalendlyBookingMapper>();
        return services;
    }
}
