using Microsoft.Extensions.Logging;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Attention;

/// <summary>One reason a booking needs a person, as the booking keeps it in its state.</summary>
[GenerateSerializer, Alias("Turtle.AttentionMark")]
public sealed class AttentionMark
{
    /// <summary>One of <see cref="AttentionReasonCodes"/>.</summary>
    [Id(0)] public string Reason { get; set; } = "";
    /// <summary>When this occurrence arose; a later one is a new occurrence, listed again even after a person marked the earlier handled.</summary>
    [Id(1)] public DateTimeOffset Since { get; set; }
    [Id(2)] public string? Detail { get; set; }
    [Id(3)] public NotificationKind? Kind { get; set; }
    /// <summary>False once the reason no longer holds: the list is told to clear it, and then the mark goes.</summary>
    [Id(4)] public bool Holds { get; set; } = true;
    /// <summary>The attention list has been told this version of the mark.</summary>
    [Id(5)] public bool Told { get; set; }
}

/// <summary>
/// Why a booking needs a person (SPEC §4), kept by the booking and told to <see cref="IAttentionGrain"/>. A reason is
/// recorded in the booking's state before its write (<see cref="Raise"/>, <see cref="Clear"/>, or <see cref="Review"/>
/// for those the state itself shows) and told to the list after it (<see cref="TellAsync"/>); what could not be told
/// stays marked untold in the state and is told on a later wake-up. Telling the list twice is harmless: it ignores an
/// occurrence it already has or that a person marked handled. A booking with a phone, an advisor and no failed message
/// has no marks, and costs nothing here.
/// </summary>
public sealed partial class BookingAttention(IGrainFactory grains, ILogger logger)
{
    /// <summary>How soon a booking tries again to tell the list what it could not.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    private IAttentionGrain List => grains.GetGrain<IAttentionGrain>(0);

    /// <summary>Something is still to be told to the list.</summary>
    public static bool Owed(AppointmentState booking) => booking.Attention.Exists(m => !m.Told);

    /// <summary>
    /// Records that <paramref name="reason"/> holds since <paramref name="since"/>. Repeating it with the same values changes
    /// nothing; pass the time the occurrence arose (a reply's, a failure's), so a repeat keeps it and a new one is listed anew.
    /// </summary>
    /// <returns>Whether the mark changed (and so is to be told).</returns>
    public static bool Raise(AppointmentState booking, string reason, DateTimeOffset since, string? detail, NotificationKind? kind = null)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var mark = booking.Attention.Find(m => m.Reason == reason);
        if (mark is { Holds: true } && mark.Since == since && mark.Detail == detail && mark.Kind == kind)
        {
            return false;
        }
        if (mark is null)
        {
            mark = new AttentionMark { Reason = reason };
            booking.Attention.Add(mark);
        }
        (mark.Since, mark.Detail, mark.Kind, mark.Holds, mark.Told) = (since, detail, kind, true, false);
        return true;
    }

    /// <summary>Records that <paramref name="reason"/> no longer holds; the list is told to clear it.</summary>
    public static bool Clear(AppointmentState booking, string reason)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var mark = booking.Attention.Find(m => m.Reason == reason);
        if (mark is not { Holds: true })
        {
            return false;
        }
        (mark.Holds, mark.Told) = (false, false);
        return true;
    }

    /// <summary>
    /// Brings the reasons the booking's own state shows up to date: <c>no-phone</c>, <c>no-advisor</c> (until one is
    /// assigned), <c>message-failed</c> (until each failed message is sent again) and <c>opted-out</c>. A cancelled
    /// booking needs none of them, except for a failed message its cancellation did not withdraw (the cancellation itself).
    /// </summary>
    /// <returns>Whether anything is still to be told.</returns>
    public static bool Review(AppointmentState booking, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(booking);
        if (booking.Details is null)
        {
            return Owed(booking);
        }
        if (booking.ClientErasedAt is not null)
        {
            // An erased client's booking asks nothing of a person: there is no one to write to, and its entries named them.
            booking.Attention.ForEach(m => Clear(booking, m.Reason));
            return Owed(booking);
        }
        var ended = booking.EndedBy();
        Keep(booking, AttentionReasonCodes.NoPhone, booking.Status == AppointmentStatus.NoPhone, now,
            "The booking carried no usable phone number: nothing is sent to the client.");
        Keep(booking, AttentionReasonCodes.NoAdvisor, booking.Status == AppointmentStatus.NoAdvisor, now,
            booking.AssignmentReason ?? "No active advisor could be assigned.");
        // The client's STOP: an advisor who opted out is not the client's doing.
        var optedOut = ended is null
            ? booking.Notifications.Find(n => n.State == NotificationState.OptedOut && MessageKinds.Of(n.Kind).Audience == Audience.Client)
            : null;
        Keep(booking, AttentionReasonCodes.OptedOut, optedOut is not null, now,
            $"The number sent STOP: the {optedOut?.Kind} and later messages are not sent.");

        // A failed message stays listed until it is sent again: while a retry is on its way (a person's, or the one a
        // failure Meta reported after accepting it allows), it still counts.
        var failed = booking.Notifications
            .Where(n => n.IsFailed || n.FailedAtMeta || (n.RetriedAt is not null && n.State is NotificationState.Pending or NotificationState.Sending))
            .Where(n => ended is not { } happened || !MessageKinds.Of(n.Kind).CancelledBy.Contains(happened))
            .ToList();
        if (failed.Count == 0)
        {
            Clear(booking, AttentionReasonCodes.MessageFailed);
        }
        else
        {
            var latest = failed.MaxBy(FailedAt)!;
            var detail = string.Join("; ", failed.Select(n => $"{n.Kind}: {n.LastError ?? "failed"}"));
            Raise(booking, AttentionReasonCodes.MessageFailed, FailedAt(latest), detail, (failed.Where(n => n.IsFailed).MaxBy(FailedAt) ?? latest).Kind);
        }
        return Owed(booking);
    }

    /// <summary>Tells the list every mark it has not been told; true when nothing is left untold.</summary>
    public async Task<bool> TellAsync(string appointmentId, AppointmentState booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        foreach (var mark in booking.Attention.Where(m => !m.Told).ToList())
        {
            try
            {
                if (mark.Holds)
                {
                    await List.RaiseAsync(Entry(appointmentId, booking, mark));
                    mark.Told = true;
                }
                else
                {
                    await List.ClearAsync(appointmentId, mark.Reason);
                    booking.Attention.Remove(mark);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The mark stays untold in the booking's state: a later wake-up tells it.
                LogNotTold(logger, appointmentId, mark.Reason, e);
                return false;
            }
        }
        return true;
    }

    private static AttentionEntry Entry(string appointmentId, AppointmentState booking, AttentionMark mark)
    {
        var details = booking.Details;
        var client = details?.Phone is { } phone ? $"{details.ClientName} ({PhoneMask.Mask(phone)})" : details?.ClientName;
        return new AttentionEntry(appointmentId, mark.Reason, mark.Since, client, details?.StartTime, mark.Detail, mark.Kind);
    }

    /// <summary>A reason that lasts while the state shows it: its time is when it was first seen.</summary>
    private static void Keep(AppointmentState booking, string reason, bool holds, DateTimeOffset now, string detail)
    {
        if (!holds)
        {
            Clear(booking, reason);
            return;
        }
        var mark = booking.Attention.Find(m => m.Reason == reason);
        Raise(booking, reason, mark is { Holds: true } ? mark.Since : now, detail);
    }

    private static DateTimeOffset FailedAt(Notification n) => n.FailedAt ?? n.SentAt ?? n.DueAt;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appointment {Id}: the attention list could not be told of {Reason}; telling it again later")]
    private static partial void LogNotTold(ILogger logger, string id, string reason, Exception exception);
}
