using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Turtle.Api.Tests.Webhooks;

/// <summary>
/// The real Turtle.Api in-process, with its Orleans client left unstarted: it never reaches a silo, which is
/// exactly the "cluster cannot be reached" case, and the host need not wait for a cluster to start.
/// </summary>
public sealed class CalendlyApiFactory(string environment, string? signingKey, params (string Key, string Value)[] settings)
    : WebApplicationFactory<Program>
{
    public const string SigningKey = "test-signing-key-0123456789";

    // Nothing listens on port 1: if anything did try storage, it would fail fast rather than touch a shared Azurite.
    private const string UnreachableStorage =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 20, 9, 14, 3, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Calendly:SigningKey", signingKey ?? "");
        builder.UseSetting("ConnectionStrings:AzureStorage", UnreachableStorage);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            var orleansHostedServices = services
                .Where(d => d.ServiceType == typeof(IHostedService) && IsOrleans(d.ImplementationType ?? d.ImplementationFactory?.Method.DeclaringType))
                .ToList();
            foreach (var descriptor in orleansHostedServices)
            {
                services.Remove(descriptor);
            }
            services.AddSingleton<TimeProvider>(Time);
            // Without a cluster client there is nothing to start alongside the server; starting services one by one
            // lets a failed start surface as its own exception rather than race the test host's disposal.
            services.Configure<HostOptions>(o => o.ServicesStartConcurrently = false);
        });
    }

    private static bool IsOrleans(Type? type) => type?.Namespace?.StartsWith("Orleans", StringComparison.Ordinal) == true;
}
