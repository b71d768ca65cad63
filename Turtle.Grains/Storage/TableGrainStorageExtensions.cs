using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Turtle.Grains.Storage;

namespace Turtle.Grains;

public static class TableGrainStorageExtensions
{
    /// <summary>Registers Turtle's named grain storages, each in its own table of <paramref name="service"/>.</summary>
    public static IServiceCollection AddTurtleGrainStorage(this IServiceCollection services, TableServiceClient service)
    {
        foreach (var name in TurtleStorage.Names)
        {
            services.AddGrainStorage(name, (provider, key) => new TableGrainStorage(
                key,
                provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                service,
                provider.GetRequiredService<Serializer>(),
                provider.GetRequiredService<ILogger<TableGrainStorage>>()));
        }
        return services;
    }
}
