using System.Globalization;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Advisors;

/// <summary>
/// An advisor's agenda of one day as the <see cref="MessageDispatcher"/> sees it: one message, which goes to an active
/// advisor with a usable phone and at least one meeting that day, until the day is over. The list is read at each
/// attempt, so it is the day as it stands when it goes, and is stored with the claim.
/// </summary>
public sealed class AgendaTarget(Grain grain, IPersistentState<AgendaState> state, IGrainFactory grains, AgendaSchedule schedule, PhoneNumberNormalizer phones, TimeProvider time)
    : IDeliveryTarget
{
    public const string DayOver = "the day was over before the agenda could be sent";
    public const string AdvisorGone = "the advisor is inactive or no longer in the sheet";
    public const string NoMeetings = "no meetings that day";

    /// <summary>The agenda as its sent message's callback data and Meta's statuses name it (<see cref="MessageHolder"/>).</summary>
    public string Holder => MessageHolder.Agenda(Key);

    private string Key => grain.GetPrimaryKeyString();

    public IReadOnlyList<Notification> Messages => [Message];

    public FirstWrite FirstWrite => FirstWrite.AtClaim;

    private Notification Message => state.State.Message!;

    private DateOnly Day => AgendaKey.Parse(Key).Day;

    public async Task<Address> AddressAsync(Notification entry)
    {
        var (day, email) = AgendaKey.Parse(Key);
        var advisor = await grains.GetGrain<IAdvisorLookupGrain>(0).FindAsync(email);
        var phone = advisor is { Active: true } ? phones.Normalize(advisor.Phone) : null;
        var meetings = phone is null ? [] : await grains.GetGrain<IDayMeetingsGrain>(AgendaKey.DayText(day)).ForAdvisorAsync(email);
        var skip = time.GetUtcNow() >= schedule.SendBy(day) ? DayOver
            : advisor is not { Active: true } ? AdvisorGone
            : phone is null ? MessageRecipients.AdvisorNoPhone
            : meetings.Count == 0 ? NoMeetings
            : null;
        return skip is not null ? Address.Skip(skip) : Address.To(phone!, () =>
        {
            state.State.MeetingCount = meetings.Count;
            state.State.Agenda = schedule.Format(meetings);
            return new OutgoingMessage(Holder, NotificationKind.AdvisorAgenda, Booking: null, advisor)
            {
                To = phone,
                TimeZone = schedule.Firm.ZoneId,
                Values = new Dictionary<string, string?>
                {
                    [TemplateVariables.MeetingCount] = state.State.MeetingCount.ToString(CultureInfo.InvariantCulture),
                    [TemplateVariables.Agenda] = state.State.Agenda,
                },
            };
        });
    }

    public Deadline? SendBy(Notification entry) => Deadline.Until(schedule.SendBy(Day));

    /// <summary>An agenda keeps no history beyond its message.</summary>
    public void Note(Notification entry, DateTimeOffset now, string what)
    {
    }

    /// <summary>An agenda keeps no history beyond its message.</summary>
    public void Recorded(Notification entry, DateTimeOffset now)
    {
    }

    /// <summary>Replies to an agenda are not read, so the number's other id is not kept.</summary>
    public Task KnownAsAsync(Notification entry, string number, string waId) => Task.CompletedTask;

    public void BeforeWrite()
    {
    }

    /// <summary>An advisor's agenda is no client's conversation: it has no place in a client's record (SPEC §13).</summary>
    public void Written()
    {
    }

    public void Claiming(Notification entry, RenderedMessage message, string? category)
    {
    }

    public void Answered(Notification entry, SendOutcome outcome)
    {
    }

    public void StatusApplied(Notification entry, DeliveryStatusUpdate update)
    {
    }

    public Task<bool> SettleAsync() => Task.FromResult(true);

    public WakeNeeds Needs() => new([Message]);
}
