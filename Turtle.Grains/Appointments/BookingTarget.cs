using Microsoft.Extensions.Logging;
using Turtle.Grains.Advisors;
using Turtle.Grains.Attention;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;

namespace Turtle.Grains.Appointments;

/// <summary>
/// A booking as the <see cref="MessageDispatcher"/> sees it: its messages, each one's gate (SPEC §5, §6) and recipient,
/// the meeting's start as the deadline of those that must go before it, its history, and what it owes once they went
/// (its attention marks told, its index told when it next wakes).
/// </summary>
public sealed partial class BookingTarget(
    Grain grain,
    IPersistentState<AppointmentState> state,
    IGrainFactory grains,
    MessageRules rules,
    MessageRecipients recipients,
    ClientLanguages languages,
    WakePolicy policy,
    TimeProvider time,
    FirmCalendar firm,
    Records.RecordBacklog records,
    ILogger logger) : IDeliveryTarget
{
    private readonly BookingAttention _attention = new(grains, logger);
    private BookingListing? _listing;
    private RecordFlush? _record;
    private Insights.BookingInsight? _insight;

    public string Holder => grain.GetPrimaryKeyString();

    public IReadOnlyList<Notification> Messages => State.Notifications;

    public FirstWrite FirstWrite => FirstWrite.ByCaller;

    public BookingListing Listing => _listing ??= new BookingListing(grains, () => Holder, policy);

    /// <summary>Takes the booking's pending record entries to its client's record, off the path that wrote them.</summary>
    public RecordFlush Record => _record ??= new RecordFlush(grain, grains, records, () => State.RecordPending, () => State.Details?.Phone, logger);

    /// <summary>Tells the booking's day of insight its tally, off the path that wrote it.</summary>
    public Insights.BookingInsight Insight => _insight ??= new Insights.BookingInsight(grain, grains, () => Holder, () => State, firm, logger);

    private AppointmentState State => state.State;

    public async Task<Address> AddressAsync(Notification entry)
    {
        var details = State.Details!;
        var now = time.GetUtcNow();
        var gate = rules.Gate(entry, details, State.Advisor is not null, now);
        if (gate == GateDecision.NeedsAdvisor && await AssignAdvisorAsync())
        {
            gate = rules.Gate(entry, details, hasAdvisor: true, now);
        }
        switch (gate)
        {
            case GateDecision.Skipped:
                return Address.Skip(entry.LastError!);
            case GateDecision.NeedsAdvisor:
                rules.WaitForAdvisor(entry, now);
                return Address.Later;
        }
        var recipient = await recipients.ResolveAsync(Holder, State, entry);
        if (recipient.SkipReason is { } reason)
        {
            return Address.Skip(reason);
        }
        return Address.To(recipient.To!, () => new OutgoingMessage(Holder, entry.Kind, details, recipient.Advisor)
        {
            To = recipient.To,
            Language = LanguageOf(entry),
            TimeZone = recipient.TimeZone,
            Values = new Dictionary<string, string?> { [TemplateVariables.CancelReason] = State.CancelReason },
        });
    }

    public Deadline? SendBy(Notification entry) => MessageRules.SendBy(entry, State.Details!);

    /// <summary>
    /// The client's language for a client-facing message (SPEC §15); null, the default, for an advisor's message, for the
    /// default language itself, and once the client's language was found to have no approved template.
    /// </summary>
    private string? LanguageOf(Notification entry) =>
        MessageKinds.Of(entry.Kind).Audience == Audience.Client && !entry.LanguageFallback
            && State.Language is { } language && !string.Equals(language, languages.Default, StringComparison.OrdinalIgnoreCase)
            ? language
            : null;

    public void Note(Notification entry, DateTimeOffset now, string what) => BookingRecords.Record(State, now, entry.Trigger ?? BookingSources.Reminder, what);

    public void Recorded(Notification entry, DateTimeOffset now) => BookingRecords.RecordMessage(State, entry, now);

    public async Task KnownAsAsync(Notification entry, string number, string waId)
    {
        if (MessageKinds.Of(entry.Kind).Audience == Audience.Client)
        {
            State.ClientWaId = waId;
        }
        await grains.GetGrain<IRecipientGrain>(number).KnownAsAsync(waId);
    }

    public void BeforeWrite()
    {
        BookingAttention.Review(State, time.GetUtcNow());
        PendingEntries.SettleLostClaims(State.RecordPending, Holder, State.Notifications);
    }

    public void Written()
    {
        Record.Schedule();
        Insight.Schedule();
    }

    public void Claiming(Notification entry, RenderedMessage message, string? category)
    {
        if (ForClient(entry))
        {
            PendingEntries.Claimed(State.RecordPending, Holder, entry, message, category, time.GetUtcNow());
        }
    }

    public void Answered(Notification entry, SendOutcome outcome)
    {
        if (ForClient(entry))
        {
            PendingEntries.Answered(State.RecordPending, Holder, entry, outcome);
        }
    }

    public void StatusApplied(Notification entry, DeliveryStatusUpdate update)
    {
        if (ForClient(entry))
        {
            PendingEntries.Status(State.RecordPending, Holder, update);
        }
    }

    public async Task<bool> SettleAsync()
    {
        var told = await TellAttentionAsync();
        await Listing.ExpectWakeAsync(State.Details, State.Notifications);
        return told;
    }

    /// <remarks>A tally its day has not stored wakes the booking within a period, as an unstored listing does: after a kill -9 the count is told again in seconds, not at the next message.</remarks>
    public WakeNeeds Needs() => new(State.Notifications, KeepWaking: BookingAttention.Owed(State) || Record.Owed, WakeSoon: Listing.NeedsAnotherTry || Insight.Owed);

    /// <summary>Tells the attention list what the booking changed; false when some of it is still to be told.</summary>
    public async Task<bool> TellAttentionAsync() => !BookingAttention.Owed(State) || await _attention.TellAsync(Holder, State);

    /// <summary>The client's record holds the conversation with the client; the advisor's notices about it are not part of it.</summary>
    private static bool ForClient(Notification entry) => MessageKinds.Of(entry.Kind).Audience == Audience.Client;

    /// <summary>A booking stored without an advisor asks again when a message needs one: the sheet may have gained one.</summary>
    private async Task<bool> AssignAdvisorAsync()
    {
        var assignment = await grains.GetGrain<IAdvisorLookupGrain>(0).AssignAsync(AssignmentRequest.For(Holder, State.Details!));
        if (assignment.Advisor is null)
        {
            return false;
        }
        State.Advisor = assignment.Advisor;
        State.AssignmentReason = assignment.Reason;
        if (State.Status == AppointmentStatus.NoAdvisor)
        {
            State.Status = AppointmentStatus.Booked;
        }
        LogAssignedLate(logger, Holder, assignment.Reason);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id}: advisor assigned after booking ({Reason})")]
    private static partial void LogAssignedLate(ILogger logger, string id, string reason);
}
