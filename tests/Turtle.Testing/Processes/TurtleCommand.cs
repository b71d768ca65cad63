using System.Diagnostics;
using System.Text;

namespace Turtle.Testing.Processes;

/// <summary>
/// One run of the operator's command line as <c>./turtle</c> runs it: the built Turtle.Api binary in command mode,
/// configured by environment variables, its standard output and error kept apart.
/// </summary>
public static class TurtleCommand
{
    public static Task<CommandResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        RunAsync("dotnet", [TurtleProcess.BinaryPath("Turtle.Api"), .. arguments], environment);

    /// <summary>Runs <paramref name="file"/> from the repository root and waits for it (at most <paramref name="timeout"/>, then kills it and fails).</summary>
    public static async Task<CommandResult> RunAsync(string file, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = TurtleProcess.RepositoryRoot,
        };
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout ?? TimeSpan.FromSeconds(120)}:{Environment.NewLine}{await output}{await error}");
        }
        return new CommandResult(process.ExitCode, await output, await error);
    }
}

/// <summary>How a command ended: exit code, standard output, standard error.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    /// <summary>Everything it wrote, for assertion messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder().Append("exit ").Append(ExitCode).AppendLine();
        return text.AppendLine("stdout:").AppendLine(Output).AppendLine("stderr:").Append(Error).ToString();
    }
}
