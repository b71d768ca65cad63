namespace Turtle.Grains.Appointments;

/// <summary>
/// What a booking keeps once <c>Records:BookingRetention</c> has passed since its meeting's end (SPEC §13): its times,
/// statuses, messages' states and counts, and nothing that names or reaches the client or repeats their words.
/// </summary>
public static class BookingRetention
{
    /// <summary>The history line that says so.</summary>
    public const string HistoryLine = "personal data removed (retention)";

    /// <summary>
    /// The booking as Calendly described it, without what names or reaches the client: name, e-mail, number, answers,
    /// and Calendly's links (they carry the invitee's own tokens). Retention and erasure both keep only this.
    /// </summary>
    public static BookingDetails WithoutClient(BookingDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return details with
        {
            ClientName = "",
            ClientEmail = null,
            Phone = null,
            Answers = [],
            JoinUrl = null,
            CancelUrl = null,
            RescheduleUrl = null,
        };
    }

    /// <summary>Removes the client's personal data from <paramref name="state"/>; the client's record is not touched.</summary>
    public static void RemovePersonalData(AppointmentState state, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Details is { } details)
        {
            state.Details = WithoutClient(details);
        }
        state.ClientWaId = null;
        state.CancelReason = null;
        state.Replies = [.. state.Replies.Select(r => r with { Text = "" })];
        // A line keeps what happened, not the words quoted after it (a cancel's reason, an error naming the number).
        state.History = [.. state.History.Select(h => h with { What = FirstClause(h.What) })];
        foreach (var mark in state.Attention)
        {
            mark.Detail = null;
        }
        state.PersonalDataRemovedAt = at;
        BookingRecords.Record(state, at, BookingSources.Reminder, HistoryLine);
    }

    /// <summary>Whether the meeting ended before <paramref name="endedBefore"/> (a booking without an end: its start).</summary>
    public static bool Ended(BookingDetails details, DateTimeOffset endedBefore)
    {
        ArgumentNullException.ThrowIfNull(details);
        var end = details.EndTime > details.StartTime ? details.EndTime : details.StartTime;
        return end < endedBefore;
    }

    private static string FirstClause(string what)
    {
        var stop = what.IndexOfAny([':', '(', '"']);
        return stop < 0 ? what : what[..stop].TrimEnd();
    }
}
