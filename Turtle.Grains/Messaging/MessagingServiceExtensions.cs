using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Turtle.Grains.Messaging;

public static class MessagingServiceExtensions
{
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration) => services;
}
