using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Turtle.Api.Tests.Access;

/// <summary>
/// What start-up's options validation says of some settings, with the API's own registrations: the checks the host runs
/// before it listens (<c>ValidateOnStart</c>). Asked of the registrations rather than of a whole host, because a host that
/// fails to start inside <c>WebApplicationFactory</c> sometimes reports a disposed provider instead of the failure.
/// </summary>
public static class StartupValidation
{
    public static OptionsValidationException Failure(Action<IServiceCollection> register, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        register(services);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }
}
