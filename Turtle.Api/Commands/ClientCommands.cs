using System.CommandLine;
using Turtle.Api.Access;
using Turtle.Api.Audit;
using Turtle.Api.Clients;
using Turtle.Grains;
using Turtle.Grains.Hosting;
using Turtle.Grains.Messaging;

namespace Turtle.Api.Commands;

/// <summary>
/// <c>./turtle clients erase &lt;phone&gt;</c> (SPEC §13): a client's personal data erased, as
/// <c>POST /api/clients/{phone}/erase</c> does it, through the cluster (the bookings are grains), audited as done from
/// the command line by the operating-system user.
/// </summary>
internal sealed class ClientCommands : ICommandGroup
{
    /// <summary>How long the verb waits for a silo before saying the cluster cannot be reached.</summary>
    private static readonly TimeSpan ConnectFor = TimeSpan.FromSeconds(30);

    public Command Create()
    {
        var phone = new Argument<string>("phone") { Description = "The client's number, E.164 (e.g. +919812345678)." };
        var erase = new Command("erase", "Erase a client's personal data from bookings, replies, recipient and opt-out state; the record is kept or deleted per Records:KeepForRegulator.") { phone };
        erase.SetAction((parse, cancellation) => EraseAsync(parse.GetValue(phone), cancellation));
        return new Command("clients", "Turtle's clients, by number (needs the cluster running).") { erase };
    }

    private static async Task<int> EraseAsync(string? phone, CancellationToken cancellationToken)
    {
        var (number, errors) = ClientDirectory.ParsePhone(phone);
        if (number is null)
        {
            throw new CommandException(ExitCodes.BadUsage, $"<phone>: {string.Join("; ", errors.SelectMany(e => e.Value))}");
        }
        // A plain host, not the web host CommandHost builds: starting it must start the Orleans client only, no web server.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            client.UseTurtleCluster(builder.Configuration);
            var deadline = DateTimeOffset.UtcNow + ConnectFor;
            client.UseConnectionRetryFilter(async (_, cancellation) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
                return DateTimeOffset.UtcNow < deadline;
            });
        });
        using var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or CommandException))
        {
            throw new CommandException(ExitCodes.NotInOrder, $"The cluster could not be reached (Orleans:ClusterId, ConnectionStrings:{TurtleCluster.StorageConnectionName}): {e.Message}");
        }
        var cluster = host.Services.GetRequiredService<IClusterClient>();
        var audit = new StaffAudit(cluster, TimeProvider.System);
        var by = StaffPrincipal.Create($"command line ({Environment.UserName})", StaffRole.Admin, StaffPrincipal.Key, "CommandLine");
        var clients = new ClientDirectory(cluster, new PhoneNumberNormalizer("IN"), TimeProvider.System);
        var result = await ClientErasures.EraseAsync(clients, audit, by, number, cancellationToken);
        await host.StopAsync(CancellationToken.None);
        if (!result.Found)
        {
            await Console.Error.WriteLineAsync($"Turtle knows no client with the number {PhoneMask.Mask(number)}: nothing was changed.");
            return ExitCodes.NotInOrder;
        }
        var response = ErasureResponse.From(number, result);
        await Console.Out.WriteLineAsync(
            $"Erased {response.Client}: {response.Bookings} booking(s), opted out: {(response.OptedOut ? "yes (kept as a hash)" : "no")}, record {response.Record} ({response.RecordEntries} entries).");
        return ExitCodes.Ok;
    }
}
