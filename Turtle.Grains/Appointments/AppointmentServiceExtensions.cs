using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments.Index;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Appointments;

public static class AppointmentServiceExtensions
{
    public static IServiceCollection AddAppointments(this IServiceCollection services)
    {
        services.AddNotificationOptions();
        services.AddSingleton<SendRules>();
        services.AddSingleton<MessageRules>();
        services.AddSingleton<WakePolicy>();
        services.AddSingleton<MessageRecipients>();
        services.AddSingleton<ClientLanguages>();
        services.AddSingleton<AgendaSchedule>();
        // Each booking and agenda activation builds its own dispatcher from these: it keeps that holder's sends in flight.
        services.AddSingleton<TemplateGate>();
        services.AddSingleton<Records.RecordBacklog>();
        services.AddSingleton<DeliveryServices>();
        services.AddHostedService<BookingWatchdog>();
        return services;
    }

    /// <summary>
    /// The <c>Notifications</c> section, validated at start, with what is read from it on both sides: phone numbers
    /// (default region) and the firm's calendar (firm time zone). The API reads it too.
    /// </summary>
    public static IServiceCollection AddNotificationOptions(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(FirmCalendar)))
        {
            // Added already (the API's webhooks and console both ask): binding twice would append list entries twice.
            return services;
        }
        services.TryAddSingleton(sp => new PhoneNumberNormalizer(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.DefaultRegion));
        services.AddSingleton<FirmCalendar>();
        services.AddOptions<NotificationOptions>()
            .BindConfiguration(NotificationOptions.Section)
            .PostConfigure(o =>
            {
                // Configuration binding appends to a list, so the default is applied only when none is configured.
                if (o.ReminderLeadTimes.Count == 0)
                {
                    o.ReminderLeadTimes.Add(TimeSpan.FromHours(1));
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
