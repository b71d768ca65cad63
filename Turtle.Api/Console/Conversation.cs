using Turtle.Api.Records;
using Turtle.Grains.Records;

namespace Turtle.Api.OperationsConsole;

/// <summary>How far a message out got, as WhatsApp's ticks show it.</summary>
public enum Ticks
{
    /// <summary>No status from Meta yet (or the send did not go).</summary>
    None,
    Sent,
    Delivered,
    Read,
    Failed,
}

/// <summary>One line of a client's conversation: a message (ours or theirs) or a note (consent, staff, a stray status).</summary>
public sealed record ConversationItem(DateTimeOffset At, ConversationSide Side, string Text, string Kind, string? Actor)
{
    public Ticks Ticks { get; init; }

    /// <summary>Meta's error for a failed message, or what became of a send that did not go (refused, dry run…).</summary>
    public string? Problem { get; init; }

    /// <summary>What the ticks say, in words (their text alternative).</summary>
    public string TicksText => Ticks switch
    {
        Ticks.Sent => "sent",
        Ticks.Delivered => "delivered",
        Ticks.Read => "read",
        Ticks.Failed => "failed",
        _ => "",
    };

    public string TickMarks => Ticks switch
    {
        Ticks.Sent => "✓",
        Ticks.Delivered or Ticks.Read => "✓✓",
        Ticks.Failed => "✕",
        _ => "",
    };
}

public enum ConversationSide
{
    /// <summary>Turtle wrote to the client.</summary>
    Out,
    /// <summary>The client wrote.</summary>
    In,
    /// <summary>A consent change, a staff action, or a status no message of the record explains.</summary>
    Note,
}

/// <summary>
/// A client's record (SPEC §13) read as a conversation: messages as they were written, Meta's statuses folded into the
/// message they are about as ticks, everything else as a note where it happened.
/// </summary>
public static class Conversation
{
    public static IReadOnlyList<ConversationItem> From(IEnumerable<RecordEntry> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entries = record.OrderBy(e => e.At).ToList();
        var statuses = entries.Where(IsStatus).Where(e => e.MessageId is not null).ToLookup(e => e.MessageId!, StringComparer.Ordinal);
        var messages = entries.Where(e => e.Direction == RecordDirections.Out && !IsStatus(e) && e.MessageId is not null)
            .Select(e => e.MessageId!).ToHashSet(StringComparer.Ordinal);
        var items = new List<ConversationItem>(entries.Count);
        foreach (var entry in entries)
        {
            var shown = RecordItem.From(entry);
            if (IsStatus(entry))
            {
                if (entry.MessageId is null || !messages.Contains(entry.MessageId))
                {
                    items.Add(new ConversationItem(entry.At, ConversationSide.Note, $"Meta: {shown.Status}", entry.Kind, entry.Actor));
                }
                continue;
            }
            items.Add(entry.Direction switch
            {
                RecordDirections.Out => Outgoing(entry, shown, entry.MessageId is { } id ? statuses[id] : []),
                RecordDirections.In => new ConversationItem(entry.At, ConversationSide.In, Said(entry, shown), entry.Kind, Actor: null),
                _ => new ConversationItem(entry.At, ConversationSide.Note, Note(entry, shown), entry.Kind, entry.Actor),
            });
        }
        return items;
    }

    private static ConversationItem Outgoing(RecordEntry entry, RecordItem shown, IEnumerable<RecordEntry> statuses)
    {
        var known = statuses.ToList();
        var failed = known.FirstOrDefault(s => s.Status == "failed");
        var ticks = failed is not null ? Ticks.Failed
            : known.Any(s => s.Status == "read") ? Ticks.Read
            : known.Any(s => s.Status == "delivered") ? Ticks.Delivered
            : known.Any(s => s.Status == "sent") || entry.Status == RecordSendStatus.Accepted ? Ticks.Sent
            : Ticks.None;
        var problem = failed is not null ? Error(failed)
            : entry.Status is RecordSendStatus.Accepted or null ? null
            : entry.ErrorCode is not null ? $"{entry.Status}: {Error(entry)}"
            : entry.Status;
        if (entry.Status == RecordSendStatus.Refused)
        {
            ticks = Ticks.Failed;
        }
        return new ConversationItem(entry.At, ConversationSide.Out, shown.Text ?? Words.Sentence(entry.Kind), entry.Kind, entry.Actor) { Ticks = ticks, Problem = problem };
    }

    private static string Error(RecordEntry entry) => entry.ErrorCode is { } code ? $"{code}: {entry.ErrorText}" : entry.ErrorText ?? "no reason given";

    private static string Said(RecordEntry entry, RecordItem shown) => entry.Kind switch
    {
        "tap" => $"Tapped “{shown.Text}”",
        _ => shown.Text ?? entry.Kind,
    };

    private static string Note(RecordEntry entry, RecordItem shown) =>
        shown.Text is { Length: > 0 } text ? $"{Words.Sentence(entry.Kind)}: {text}" : Words.Sentence(entry.Kind);

    private static bool IsStatus(RecordEntry entry) => entry is { Direction: RecordDirections.Out, Kind: "status" };
}
