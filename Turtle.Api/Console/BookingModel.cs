using System.Text;
using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole;

/// <summary>
/// A booking as the console pages show it, made from <see cref="AppointmentView"/> in one place (<see cref="From"/>),
/// so a field the view gains (attendance, history, replies) is mapped here once and every page picks it up.
/// A null list means the booking does not carry that record yet, and the page leaves the section out; an empty
/// list means it carries it and there is nothing in it.
/// </summary>
public sealed record BookingModel
{
    public required string Id { get; init; }
    public required AppointmentStatus Status { get; init; }
    public string? ClientName { get; init; }
    public string? PhoneMasked { get; init; }
    public string? ClientTimeZone { get; init; }
    public string? EventName { get; init; }
    public DateTimeOffset? Start { get; init; }
    public DateTimeOffset? End { get; init; }
    public string? AdvisorName { get; init; }
    public string? AdvisorEmail { get; init; }
    /// <summary>Why this advisor was assigned, or why none could be.</summary>
    public string? AssignmentReason { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    public string? CancelReason { get; init; }
    public string? OldInviteeId { get; init; }
    public IReadOnlyList<MessageModel> Messages { get; init; } = [];

    /// <summary><c>unknown</c>, <c>confirmed</c>, <c>declined</c>, <c>no-show</c>.</summary>
    public string? Attendance { get; init; }

    /// <summary>The language the client is written to in (SPEC §15), e.g. <c>hi</c>.</summary>
    public string? Language { get; init; }

    /// <summary>What happened to the booking, oldest first.</summary>
    public IReadOnlyList<HistoryEntryModel>? History { get; init; }

    /// <summary>The client's inbound messages, oldest first.</summary>
    public IReadOnlyList<ReplyModel>? Replies { get; init; }

    /// <summary><c>no-phone</c>, as SPEC writes it.</summary>
    public string StatusText { get; private init; } = "";

    public static BookingModel From(AppointmentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new BookingModel
        {
            Id = view.Id,
            Status = view.Status,
            StatusText = Words.Kebab(view.Status.ToString()),
            ClientName = view.ClientName,
            PhoneMasked = view.PhoneMasked,
            ClientTimeZone = view.TimeZone,
            EventName = view.EventName,
            Start = view.StartTime,
            End = view.EndTime,
            AdvisorName = view.AdvisorName,
            AdvisorEmail = view.AdvisorEmail,
            AssignmentReason = view.AssignmentReason,
            CancelledAt = view.CancelledAt,
            CancelReason = view.CancelReason,
            OldInviteeId = view.OldInviteeId,
            Messages = [.. view.Notifications.Select(MessageModel.From).OrderBy(m => m.DueAt)],
            Attendance = Words.Kebab(view.Attendance.ToString()),
            Language = view.Language,
            History = [.. view.History.Select(h => new HistoryEntryModel(h.At, h.What, h.By))],
            Replies = [.. view.Replies.Select(r => new ReplyModel(r.At, r.Text))],
        };
    }
}

/// <summary>One planned or sent WhatsApp message of a booking.</summary>
public sealed record MessageModel
{
    public required NotificationKind Kind { get; init; }
    public TimeSpan? LeadTime { get; init; }
    public required NotificationState State { get; init; }
    public DeliveryStatus Delivery { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? ReadAt { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public string? MessageId { get; init; }

    /// <summary>When a person last had it sent again, and from where (<c>console</c>).</summary>
    public DateTimeOffset? RetriedAt { get; init; }
    public string? RetriedBy { get; init; }

    /// <summary>Where the message is on its way: planned, sending, sent, delivered, read, failed, skipped, cancelled, dry-run, opted-out.</summary>
    public string Stage { get; private init; } = "";

    /// <summary><c>stage-failed</c>: the class the pages style a stage by.</summary>
    public string StageClass { get; private init; } = "";

    public bool IsFailed => Stage == "failed";

    /// <summary><c>Advisor bio</c>; a reminder also says how long before the meeting.</summary>
    public string Label { get; private init; } = "";

    /// <summary>The latest thing that happened to the message and when: read, delivered, sent, or when it is due.</summary>
    public (string What, DateTimeOffset At) Latest =>
        ReadAt is { } read ? ("read", read)
        : DeliveredAt is { } delivered ? ("delivered", delivered)
        : SentAt is { } sent ? ("sent", sent)
        : ("due", DueAt);

    // Worked out once per message: the week page reads each several times, for a thousand bookings.
    private static string StageOf(NotificationView view) => view.State switch
    {
        NotificationState.Pending => "planned",
        NotificationState.Sent => view.DeliveryStatus switch
        {
            DeliveryStatus.Delivered => "delivered",
            DeliveryStatus.Read => "read",
            DeliveryStatus.Failed => "failed",
            _ => "sent",
        },
        _ => Words.Kebab(view.State.ToString()),
    };

    private static string LabelOf(NotificationView view) => view.LeadTime is { } lead && view.Kind == NotificationKind.Reminder
        ? $"{Words.Sentence(view.Kind.ToString())} ({Words.Duration(lead)} before)"
        : Words.Sentence(view.Kind.ToString());

    public static MessageModel From(NotificationView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var stage = StageOf(view);
        return new MessageModel
        {
            Stage = stage,
            StageClass = "stage-" + stage,
            Label = LabelOf(view),
            Kind = view.Kind,
            LeadTime = view.LeadTime,
            State = view.State,
            Delivery = view.DeliveryStatus,
            DueAt = view.DueAt,
            SentAt = view.SentAt,
            DeliveredAt = view.DeliveredAt,
            ReadAt = view.ReadAt,
            Attempts = view.Attempts,
            LastError = view.LastError,
            MessageId = view.MessageId,
            RetriedAt = view.RetriedAt,
            RetriedBy = view.RetriedBy,
        };
    }
}

/// <summary>One line of a booking's history: what happened, when, and by whom (webhook, reminder, reconcile, console).</summary>
public sealed record HistoryEntryModel(DateTimeOffset At, string What, string? By);

/// <summary>A message the client sent in, as received.</summary>
public sealed record ReplyModel(DateTimeOffset At, string Text);

/// <summary>Enum names as the console writes them.</summary>
public static class Words
{
    /// <summary><c>NoPhone</c> → <c>no-phone</c>, as SPEC writes states and reasons.</summary>
    public static string Kebab(string pascal) => Join(pascal, '-', lower: true);

    /// <summary><c>AdvisorBio</c> → <c>Advisor bio</c>.</summary>
    public static string Sentence(string pascal)
    {
        var words = Join(pascal, ' ', lower: true);
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary><c>1 meeting</c>, <c>1,000 meetings</c>.</summary>
    public static string Count(int n, string noun) =>
        n.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");

    /// <summary><c>1 h</c>, <c>30 min</c>, <c>1 d</c>.</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? $"{span.TotalDays:0} d"
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0} h"
        : $"{span.TotalMinutes:0} min";

    private static string Join(string pascal, char separator, bool lower)
    {
        var text = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                text.Append(separator);
            }
            text.Append(lower ? char.ToLowerInvariant(c) : c);
        }
        return text.ToString();
    }
}
