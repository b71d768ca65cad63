namespace Turtle.Grains.Records;

/// <summary>
/// One entry of a client's record (SPEC §13): a message out, one of its statuses, a message in, a consent change or a
/// staff action. Entries are appended and never changed; a status is an entry of its own. <see cref="Id"/> is derived
/// from what the entry is about, so the same entry appended twice (a flush repeated after a crash) is stored once.
/// </summary>
[GenerateSerializer, Immutable, Alias("Turtle.RecordEntry")]
public sealed record RecordEntry
{
    /// <summary>Deterministic: <see cref="RecordEntryIds"/>.</summary>
    [Id(0)] public required string Id { get; init; }
    /// <summary>When it happened (a send's claim, Meta's status time, the client's message time).</summary>
    [Id(1)] public required DateTimeOffset At { get; init; }
    /// <summary><see cref="RecordDirections"/>.</summary>
    [Id(2)] public required string Direction { get; init; }
    /// <summary>What it is: a message kind (<c>Confirmation</c>), <c>status</c>, <c>text</c>, <c>tap</c>, <c>STOP</c>, <c>opt-in</c>…</summary>
    [Id(3)] public required string Kind { get; init; }
    [Id(4)] public string? Text { get; init; }
    [Id(5)] public string? Template { get; init; }
    [Id(6)] public string? Language { get; init; }
    [Id(7)] public string? Category { get; init; }
    [Id(8)] public IReadOnlyList<string> Parameters { get; init; } = [];
    /// <summary>Meta's message id (<c>wamid.…</c>) of the message out or in.</summary>
    [Id(9)] public string? MessageId { get; init; }
    /// <summary>For a message out: what became of the attempt; for a status: Meta's status.</summary>
    [Id(10)] public string? Status { get; init; }
    [Id(11)] public int? ErrorCode { get; init; }
    [Id(12)] public string? ErrorText { get; init; }
    /// <summary>Who: <c>client</c>, a booking source (<c>webhook</c>, <c>reminder</c>, <c>console</c>), a person or key.</summary>
    [Id(13)] public string? Actor { get; init; }
    /// <summary>The sender of a message in as Meta named it: the phone (E.164) or the BSUID.</summary>
    [Id(14)] public string? From { get; init; }
    /// <summary>The booking it belongs to, when one does.</summary>
    [Id(15)] public string? AppointmentId { get; init; }
    /// <summary>For a staff action: whether <see cref="Actor"/> is a <c>person</c> or a named <c>key</c>; null otherwise.</summary>
    [Id(16)] public string? ActorKind { get; init; }
}

/// <summary>The <see cref="RecordEntry.Direction"/> values, as <c>GET /api/records</c> answers them.</summary>
public static class RecordDirections
{
    public const string In = "in";
    public const string Out = "out";
    public const string Consent = "consent";
    public const string Staff = "staff";
}

/// <summary>What a message out's attempt came to (<see cref="RecordEntry.Status"/> of an <c>out</c> entry).</summary>
public static class RecordSendStatus
{
    /// <summary>Claimed and handed to Meta; its answer is not known yet. Such an entry waits in its holder, unflushed.</summary>
    public const string Claimed = "claimed";
    public const string Accepted = "accepted";
    public const string DryRun = "dry-run";
    public const string Refused = "refused";
    public const string Retrying = "retrying";
    /// <summary>No answer came (a timeout, or the sender's silo died): Meta may have taken it; a status tells.</summary>
    public const string Unanswered = "unanswered";
}

/// <summary>The deterministic ids of entries: the same event always gets the same id.</summary>
public static class RecordEntryIds
{
    /// <summary>One attempt at one message of a holder (its kind, reminder lead time and attempt number).</summary>
    public static string Out(string holder, string kind, TimeSpan? leadTime, int attempt) =>
        $"out/{holder}/{kind}/{leadTime?.Ticks ?? 0}/{attempt}";

    public static string Status(string messageId, string status) => $"status/{messageId}/{status}";

    public static string In(string messageId) => $"in/{messageId}";

    /// <summary>A consent change a message caused (STOP, START), or a booking's opt-in (<paramref name="cause"/> its id).</summary>
    public static string Consent(string cause) => $"consent/{cause}";

    /// <summary>One staff action, named once by whoever does it (a repeated append of it is stored once).</summary>
    public static string Staff(Guid action) => $"staff/{action:N}";
}
