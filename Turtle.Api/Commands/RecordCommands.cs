using System.CommandLine;
using Turtle.Api.Records;
using Turtle.Grains;
using Turtle.Grains.Hosting;
using Turtle.Grains.Records;

namespace Turtle.Api.Commands;

/// <summary>
/// <c>./turtle records export | verify</c> (SPEC §13): a client's record written out, and the hash chain checked. Both
/// read the record's table in <c>ConnectionStrings:AzureStorage</c> directly, so they work with the cluster down.
/// </summary>
internal sealed class RecordCommands : ICommandGroup
{
    public Command Create()
    {
        var phone = new Option<string>("--phone") { Description = "The client's number, E.164 (e.g. +919812345678).", HelpName = "E.164 number", Required = true };
        var from = new Option<string>("--from") { Description = "Entries from this time on (ISO 8601)." };
        var to = new Option<string>("--to") { Description = "Entries up to this time (ISO 8601)." };
        var format = new Option<string>("--format") { Description = "jsonl (default) or csv.", DefaultValueFactory = _ => RecordFormats.JsonLines };
        format.AcceptOnlyFromAmong(RecordFormats.JsonLines, RecordFormats.Csv);
        var output = new Option<string>("--out") { Description = "Write to this file instead of standard output.", HelpName = "file" };
        var export = new Command("export", "Write a client's record in time order, as JSON Lines or CSV.") { phone, from, to, format, output };
        export.SetAction((parse, cancellation) => ReadingAsync(() => ExportAsync(
            parse.GetValue(phone), parse.GetValue(from), parse.GetValue(to), parse.GetValue(format)!, parse.GetValue(output), cancellation)));

        var verifyPhone = new Option<string>("--phone") { Description = "Only this client's record (E.164); without it, every client's.", HelpName = "E.164 number" };
        var verify = new Command("verify", "Check the record's hash chain; exit 1 naming the first entry that does not hold.") { verifyPhone };
        verify.SetAction((parse, cancellation) => ReadingAsync(() => VerifyAsync(parse.GetValue(verifyPhone), cancellation)));

        return new Command("records", "The firm's record of every conversation with a client (in ConnectionStrings:AzureStorage).") { export, verify };
    }

    /// <summary>Storage that cannot be read is reported once, as what was checked not being in order, not as a crash.</summary>
    private static async Task<int> ReadingAsync(Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            var cause = e is AggregateException { InnerExceptions: [var first, ..] } ? first.Message : e.Message;
            throw new CommandException(ExitCodes.NotInOrder, $"The record could not be read from ConnectionStrings:{TurtleCluster.StorageConnectionName}: {cause}");
        }
    }

    private static async Task<int> ExportAsync(string? phone, string? from, string? to, string format, string? path, CancellationToken cancellationToken)
    {
        var request = Parse(phone, from, to);
        var table = await TableAsync();
        var items = (await table.ReadAsync(request.Phone, cancellationToken))
            .Select(r => r.Entry)
            .Where(e => (request.From is null || e.At >= request.From) && (request.To is null || e.At <= request.To))
            .OrderBy(e => e.At)
            .Select(RecordItem.From)
            .ToList();
        var text = format == RecordFormats.Csv ? RecordFormats.ToCsv(items) : RecordFormats.ToJsonLines(items);
        if (path is null)
        {
            await Console.Out.WriteAsync(text);
        }
        else
        {
            await File.WriteAllTextAsync(path, text, cancellationToken);
            await Console.Error.WriteLineAsync($"{items.Count} entries of {PhoneMask.Mask(request.Phone)} written to {path}.");
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> VerifyAsync(string? phone, CancellationToken cancellationToken)
    {
        var table = await TableAsync();
        var (clients, entries) = (0, 0);
        var chains = phone is null ? table.ReadAllAsync(cancellationToken) : One(table, Parse(phone, null, null).Phone, cancellationToken);
        await foreach (var chain in chains)
        {
            clients++;
            entries += chain.Entries.Count;
            if (RecordChain.Verify(chain.Entries, chain.Cut) is { } broken)
            {
                await Console.Out.WriteLineAsync($"Broken: {broken.Describe()}.");
                return ExitCodes.NotInOrder;
            }
        }
        await Console.Out.WriteLineAsync($"In order: {entries} entries of {clients} client(s), every hash chain holds.");
        return ExitCodes.Ok;
    }

    private static async IAsyncEnumerable<ClientChain> One(RecordTable table, string phone, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return await table.ReadChainAsync(phone, cancellationToken);
    }

    private static RecordRequest Parse(string? phone, string? from, string? to)
    {
        var (request, errors) = RecordRequest.Parse(phone, from, to);
        return request ?? throw new CommandException(ExitCodes.BadUsage,
            string.Join(Environment.NewLine, errors.Select(e => $"--{e.Key}: {string.Join("; ", e.Value)}")));
    }

    private static async Task<RecordTable> TableAsync()
    {
        await using var host = await CommandHost.StartAsync((_, _) => { });
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        try
        {
            return new RecordTable(TurtleStorage.TableService(TurtleCluster.StorageConnectionString(configuration)));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new CommandException(ExitCodes.BadUsage, $"ConnectionStrings:{TurtleCluster.StorageConnectionName} is not a storage connection string: {e.Message}");
        }
    }
}
