using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Turtle.Api.Commands;

/// <summary>
/// The operator's command line (<c>./turtle &lt;group&gt; &lt;verb&gt;</c>), run by the Turtle.Api binary instead of the
/// web host when its first argument names a command. Exit codes: <see cref="ExitCodes"/>.
/// </summary>
public static partial class TurtleCommandLine
{
    // A group is one file under Commands/ and one entry here.
    private static readonly ICommandGroup[] Groups = [new CalendlyCommands(), new WhatsAppCommands(), new RecordCommands(), new ClientCommands()];

    private static readonly string[] HelpTokens = ["--help", "-h", "-?"];

    /// <summary>
    /// True when <paramref name="args"/> are a command rather than the web host's configuration arguments
    /// (<c>--urls=…</c>, <c>Key=value</c>): a group's name, a help option, or any other bare word (a mistyped
    /// command, answered with usage rather than by starting the API).
    /// </summary>
    public static bool IsCommand(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count > 0 && (HelpTokens.Contains(args[0], StringComparer.Ordinal) || BareWord().IsMatch(args[0]));
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = CreateRoot();
        var parse = root.Parse(args);
        var error = Console.Error;
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }
            await error.WriteLineAsync("See ./turtle --help.");
            return ExitCodes.BadUsage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CommandException failure)
        {
            await error.WriteLineAsync(failure.Message);
            return failure.ExitCode;
        }
        catch (Exception failure) when (ConfigurationErrors(failure) is { Count: > 0 } messages)
        {
            foreach (var message in messages)
            {
                await error.WriteLineAsync(message);
            }
            return ExitCodes.BadUsage;
        }
    }

    /// <summary>The whole tree; its description lists every verb, so <c>./turtle --help</c> shows them all.</summary>
    public static Command CreateRoot()
    {
        var groups = Groups.Select(g => g.Create()).ToList();
        var verbs = groups
            .SelectMany(g => g.Subcommands.Select(v => (Usage: $"turtle {g.Name} {v.Name}{Options(v)}", v.Description)))
            .ToList();
        var width = verbs.Max(v => v.Usage.Length);
        var description = string.Join(Environment.NewLine,
        [
            "Turtle's operator command line, with the API's configuration (appsettings.json beside Turtle.Api,",
            "environment variables such as Calendly__ApiToken or WhatsApp__AccessToken).",
            "",
            "Verbs:",
            .. verbs.Select(v => $"  {v.Usage.PadRight(width)}  {v.Description}"),
            "",
            "Exit codes: 0 done or in order, 1 not in order, 2 bad usage or configuration.",
        ]);
        var root = new Command("turtle", description) { new System.CommandLine.Help.HelpOption() };
        foreach (var group in groups)
        {
            root.Subcommands.Add(group);
        }
        return root;
    }

    /// <summary>A verb's options as its usage line shows them: <c>--url &lt;public base url&gt;</c>, <c>[--create]</c>.</summary>
    private static string Options(Command verb) =>
        string.Concat(verb.Options.Select(o => o.Required ? $" {o.Name} <{o.HelpName ?? "value"}>" : $" [{o.Name}]"));

    /// <summary>Options validation failures (each names its key), however the host wrapped them.</summary>
    private static List<string> ConfigurationErrors(Exception failure) => failure switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ConfigurationErrors)],
        _ => [],
    };

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex BareWord();
}

/// <summary>What <c>./turtle</c> exits with (SPEC §2).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>What the command checked is not in order (or Calendly answered it with an error).</summary>
    public const int NotInOrder = 1;

    /// <summary>Bad usage or configuration; the message names the option or key.</summary>
    public const int BadUsage = 2;
}

/// <summary>A group of verbs (<c>calendly</c>, <c>whatsapp</c>): builds its command and its verbs' actions.</summary>
internal interface ICommandGroup
{
    Command Create();
}

/// <summary>Stops a command with a message for the operator and the exit code it deserves.</summary>
internal sealed class CommandException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
