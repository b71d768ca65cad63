using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Turtle.Grains.Advisors;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>The advisor services as the silo registers them, from the given configuration.</summary>
public static class AdvisorServices
{
    public static ServiceProvider Build(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddAdvisors(configuration).BuildServiceProvider();
    }

    public static async Task<AdvisorSourceData> LoadAsync(IDictionary<string, string?> settings)
    {
        await using var services = Build(settings);
        return await services.GetRequiredService<IAdvisorSource>().LoadAsync(CancellationToken.None);
    }
}
