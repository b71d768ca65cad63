using Microsoft.Extensions.Logging;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Advisors;

/// <summary>
/// Sends an advisor's agenda of one day by the path every message takes: gate (an active advisor with a usable phone and
/// at least one meeting) → the number's send slot → claim, persisted before the request → send → record. The list is read
/// at each attempt, so it is the day as it stands when it goes.
/// </summary>
public sealed partial class AgendaDispatcher(
    IGrainFactory grains,
    IWhatsAppSender sender,
    MessageRules rules,
    AgendaSchedule schedule,
    PhoneNumberNormalizer phones,
    TurtleClock time,
    ILogger<AgendaDispatcher> logger)
{
    public const string DayOver = "the day was over before the agenda could be sent";
    public const string AdvisorGone = "the advisor is inactive or no longer in the sheet";
    public const string NoMeetings = "no meetings that day";

    /// <param name="key">The agenda's key (<see cref="AgendaKey"/>).</param>
    /// <param name="agenda">Its state; updated in place.</param>
    /// <param name="writer">Persists the claim and the outcome.</param>
    public async Task DispatchAsync(string key, AgendaState agenda, StateWriter writer)
    {
        var (day, email) = AgendaKey.Parse(key);
        var entry = agenda.Message!;
        var now = time.GetUtcNow();
        if (rules.NextDue([entry], now) is null)
        {
            return;
        }
        var advisor = await grains.GetGrain<IAdvisorLookupGrain>(0).FindAsync(email);
        var phone = advisor is { Active: true } ? phones.Normalize(advisor.Phone) : null;
        var meetings = phone is null ? [] : await grains.GetGrain<IDayMeetingsGrain>(AgendaKey.DayText(day)).ForAdvisorAsync(email);
        var skip = now >= schedule.SendBy(day) ? DayOver
            : advisor is not { Active: true } ? AdvisorGone
            : phone is null ? MessageRecipients.AdvisorNoPhone
            : meetings.Count == 0 ? NoMeetings
            : null;
        if (skip is not null)
        {
            MessageRules.Skip(entry, skip);
            await RecordAsync(key, entry, writer, sent: false);
            return;
        }

        var slot = await grains.GetGrain<IRecipientGrain>(phone!).ReserveSendSlotAsync(holder: key);
        if (slot.OptedOut)
        {
            entry.State = NotificationState.OptedOut;
            entry.LastError = "the number opted out (STOP)";
            await RecordAsync(key, entry, writer, sent: false);
            return;
        }
        if (slot.IsLaterThan(time.GetUtcNow()))
        {
            entry.NextAttemptAt = slot.At;
            return;
        }
        if (sender.HoldReason() is { } held)
        {
            rules.Hold(entry, held, time.GetUtcNow());
            return;
        }

        agenda.MeetingCount = meetings.Count;
        agenda.Agenda = schedule.Format(meetings);
        MessageRules.Claim(entry, time.GetUtcNow());
        // Stored as being sent before the request: a silo killed now leaves a claim, not a second agenda.
        await writer.WriteAsync();
        var outcome = await sender.TrySendAsync(new OutgoingMessage($"agenda:{key}", NotificationKind.AdvisorAgenda, Booking: null, advisor)
        {
            To = phone,
            TimeZone = schedule.Firm.ZoneId,
            Values = new Dictionary<string, string?>
            {
                [TemplateVariables.MeetingCount] = agenda.MeetingCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [TemplateVariables.Agenda] = agenda.Agenda,
            },
        });
        now = time.GetUtcNow();
        rules.Apply(entry, outcome, schedule.SendBy(day), now, Random.Shared);
        await RecordAsync(key, entry, writer, sent: true);
    }

    private async Task RecordAsync(string key, Notification entry, StateWriter writer, bool sent)
    {
        MessageOutcomes.Count(entry, time.GetUtcNow());
        LogOutcome(logger, key, entry.State, entry.Attempts, entry.LastError);
        await writer.RecordAsync(sent);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agenda {Key}: {State} after {Attempts} attempt(s) {Error}")]
    private static partial void LogOutcome(ILogger logger, string key, NotificationState state, int attempts, string? error);
}
