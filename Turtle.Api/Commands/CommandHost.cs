using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Turtle.Api.Commands;

/// <summary>
/// The services one command run needs, configured exactly as the API is (the same builder, content root beside the
/// binary: appsettings.json, appsettings.{Environment}.json, environment variables) but without the web server or
/// the cluster client. The options a group registers are validated before the verb runs, as at the API's start.
/// </summary>
internal static class CommandHost
{
    public static async Task<WebApplication> StartAsync(Action<IServiceCollection, IConfiguration> register)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Standard output is the command's answer (scripts read it); the host's own log lines, errors only, go to stderr.
        // Turtle's clients are left out: the verb reports their failures itself, once.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>((category, level) =>
            level >= LogLevel.Error && category?.StartsWith("Turtle.", StringComparison.Ordinal) != true);
        register(builder.Services, builder.Configuration);
        var app = builder.Build();
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }
}
