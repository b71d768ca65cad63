using Microsoft.Extensions.DependencyInjection;

namespace Turtle.Grains.Appointments;

public static class AppointmentServiceExtensions
{
    public static IServiceCollection AddAppointments(this IServiceCollection services)
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
        services.AddSingleton<NotificationSchedule>();
        return services;
    }
}
