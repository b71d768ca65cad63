using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Turtle.Grains.Advisors;

public static class AdvisorServiceExtensions
{
    public static IServiceCollection AddAdvisors(this IServiceCollection services, IConfiguration configuration) => services;
}
