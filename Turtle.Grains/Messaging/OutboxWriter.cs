using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Messaging;

/// <summary>One line of <c>outbox.jsonl</c>: a message that would have been sent.</summary>
public sealed record OutboxEntry(
    [property: JsonPropertyName("at"), JsonPropertyOrder(-2)] DateTimeOffset At,
    [property: JsonPropertyName("appointmentId")] string AppointmentId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("parameters")] IReadOnlyList<string> Parameters)
{
    [JsonPropertyName("mode"), JsonPropertyOrder(-1)]
    public string Mode { get; init; } = "dry-run";

    /// <summary>The message as the client would read it, when it is sent with its kind's default template.</summary>
    [JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }

    /// <summary>The quick-reply buttons' payloads, in button order (Reconfirm).</summary>
    [JsonPropertyName("buttons"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Buttons { get; init; }
}

/// <summary>
/// Appends dry-run messages to the outbox file. One instance per silo serialises the writes of every
/// grain, so lines never interleave; each line is flushed before the send counts as recorded.
/// </summary>
public sealed class OutboxWriter(IOptions<WhatsAppOptions> options) : IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Full path of the outbox, resolved against the current directory.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(options.Value.OutboxPath);

    public async Task AppendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, JsonOptions) + "\n");
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            // Opened per line so an operator may move or delete the file while the silo runs.
            await using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            await stream.WriteAsync(line, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
