using Microsoft.Extensions.DependencyInjection;

namespace Turtle.Grains.Appointments;

public static class AppointmentServiceExtensions
{
    public static IServiceCollection AddAppointments(this IServiceCollection services)
    {
        services.AddNotificationOptions();
        services.AddSingleton<MessageRules>();
        services.AddSingleton<WakePlanner>();
        // One per booking activation: it remembers the send slots that booking waits for.
        services.AddTransient<MessageDispatcher>();
        services.AddHostedService<BookingWatchdog>();
        return services;
    }

    /// <summary>The <c>Notifications</c> section, validated at start; the API reads it too (default region, firm time zone).</summary>
    public static IServiceCollection AddNotificationOptions(this IServiceCollection services)
    {
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
