using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Turtle.Api.Access;
using Turtle.Api.Appointments;
using Turtle.Api.Audit;
using Turtle.Api.Endpoints;
using Turtle.Api.Webhooks;
using Turtle.Grains;
using Turtle.Grains.Appointments;
using Turtle.Grains.Hosting;

namespace Turtle.Api;

public static class ApiHostingExtensions
{
    public static WebApplicationBuilder AddTurtleApi(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var storage = TurtleCluster.StorageConnectionString(configuration);

        var connection = new ClusterConnection();
        builder.Services.AddSingleton(connection);
        builder.UseOrleansClient(client =>
        {
            client.AddClusterConnectionStatusObserver(connection);
            client.UseTurtleCluster(configuration);
            // Silos may start after the API: keep trying rather than failing start-up.
            client.UseConnectionRetryFilter(async (_, cancellation) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
                return true;
            });
        });

        builder.WebHost.ConfigureKestrel(ServerLimits.Apply);
        builder.Services.Configure<ExceptionHandlerOptions>(ServerLimits.AnswerClientFaults);
        // Listen while the cluster client is still connecting: webhooks then get 503 (Calendly retries), not refused connections.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        builder.Services.AddSingleton(TurtleStorage.TableService(storage));
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Kinds and booking statuses read as SPEC names them (Confirmation, NoPhone); message states as its
            // lower-case words (dry-run, opted-out, delivered).
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter<NotificationKind>());
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter<AppointmentStatus>());
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddApiAccess();
        builder.Services.AddRequestLimits();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StaffAudit>();
        builder.Services.AddSingleton<AppointmentQueries>();
        builder.Services.AddNotificationOptions();
        Turtle.Grains.Records.RecordServiceExtensions.AddRecordOptions(builder.Services);
        builder.Services.AddSingleton<Clients.ClientDirectory>();
        builder.Services.AddCalendlyWebhooks();
        builder.Services.AddWhatsAppWebhooks();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    /// <summary>The cluster an Orleans client of Turtle's joins (the API, and <c>./turtle</c> verbs that act on grains).</summary>
    public static IClientBuilder UseTurtleCluster(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        // Orleans binds Orleans:ClusterId and Orleans:ServiceId itself; only its defaults ("default") differ from Turtle's.
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = configuration["Orleans:ClusterId"] ?? TurtleCluster.DefaultClusterId;
            o.ServiceId = configuration["Orleans:ServiceId"] ?? TurtleCluster.DefaultServiceId;
        });
        client.UseAzureStorageClustering(o => o.TableServiceClient = TurtleStorage.TableService(TurtleCluster.StorageConnectionString(configuration)));
        client.UseClusterTls(configuration);
        return client;
    }
}
