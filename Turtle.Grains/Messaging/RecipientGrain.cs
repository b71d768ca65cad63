using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;

namespace Turtle.Grains.Messaging;

/// <summary>
/// One WhatsApp number. Its opt-out flag lives in the opt-out list (read at activation, changed only through
/// this grain on STOP/START); the send slots are kept in memory, since losing them with a silo costs at most one
/// early message, not a lost or doubled one. A later slot is kept under its holder's name, so a booking that waits
/// minutes behind an advisor's queue keeps its place even when its own activation goes meanwhile.
/// </summary>
public sealed partial class RecipientGrain(
    IOptions<NotificationOptions> options,
    TurtleClock time,
    ILogger<RecipientGrain> logger) : Grain, IRecipientGrain
{
    private RecipientSlots? _slots;
    private bool _optedOut;

    /// <summary>
    /// The number's bookings, looked up from the bookings' day index when a reply first needs them and kept up to date by
    /// <see cref="BookedAsync"/>; null until then. Memory only: bookings are found again after a restart, never written here.
    /// </summary>
    private HashSet<string>? _bookings;

    /// <summary>Bookings stored since this activation began (each tells its number): with the record, the number's every booking.</summary>
    private readonly HashSet<string> _told = new(StringComparer.Ordinal);

    /// <summary>Who sent the number's latest messages, by Meta's message id; the oldest give way beyond <see cref="SentKept"/>.</summary>
    private readonly Dictionary<string, string> _sent = [];
    private readonly Queue<string> _sentOrder = new();

    /// <summary>
    /// Who took a send slot for this number lately, newest last: a status naming only Meta's id of a send whose answer
    /// never came is theirs to check, though a new booking is listed as the number's only after its first write.
    /// </summary>
    private readonly List<string> _senders = [];

    /// <summary>Enough for every status of a day's messages to one number; older ones are found through the bookings.</summary>
    private const int SentKept = 64;
    private RecipientSlots Slots => _slots ??= new RecipientSlots(options.Value.RecipientSpacing);

    private string Phone => this.GetPrimaryKeyString();
    private IOptOutListGrain OptOuts => GrainFactory.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(Phone));

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _optedOut = await OptOuts.ContainsAsync(Phone);

    public Task<SendSlot> ReserveSendSlotAsync(string holder)
    {
        var now = time.GetUtcNow();
        if (_optedOut)
        {
            return Task.FromResult(new SendSlot(true, now));
        }
        _senders.Remove(holder);
        _senders.Add(holder);
        if (_senders.Count > SentKept)
        {
            _senders.RemoveAt(0);
        }
        return Task.FromResult(new SendSlot(false, Slots.Reserve(holder, now)));
    }

    public Task OptOutAsync() => SetOptedOutAsync(true);

    public Task OptInAsync() => SetOptedOutAsync(false);

    public Task KnownAsAsync(string waId) => GrainFactory.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(waId)).LinkAsync(waId, Phone);

    public async Task<string?> BookingForReplyAsync()
    {
        if (await OptOuts.PhoneOfAsync(Phone) is { } linked && linked != Phone)
        {
            // A WhatsApp id Meta answered for another number: the bookings are that number's.
            return await GrainFactory.GetGrain<IRecipientGrain>(linked).BookingForReplyAsync();
        }
        var views = await Task.WhenAll((await BookingsAsync()).Select(id => GrainFactory.GetGrain<IAppointmentGrain>(id).GetAsync()));
        return ReplyRouting.Choose(views.OfType<AppointmentView>(), time.GetUtcNow());
    }

    public Task SentAsync(string messageId, string holder)
    {
        if (_sent.TryAdd(messageId, holder))
        {
            _sentOrder.Enqueue(messageId);
            if (_sentOrder.Count > SentKept)
            {
                _sent.Remove(_sentOrder.Dequeue());
            }
        }
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<string>> HoldersOfAsync(string messageId)
    {
        if (_sent.TryGetValue(messageId, out var holder))
        {
            return [holder];
        }
        if (await OptOuts.PhoneOfAsync(Phone) is { } linked && linked != Phone)
        {
            // Meta names the recipient by the WhatsApp id it answered for another number: the messages went to that number.
            return await GrainFactory.GetGrain<IRecipientGrain>(linked).HoldersOfAsync(messageId);
        }
        var bookings = await BookingsAsync();
        return [.. Enumerable.Reverse(_senders), .. bookings.Except(_senders)];
    }

    private async Task<HashSet<string>> BookingsAsync()
    {
        if (_bookings is null)
        {
            // A booking lists itself in the index before it tells this grain, so none stored meanwhile is missed.
            var now = time.GetUtcNow();
            _bookings = [.. await GrainFactory.GetGrain<IAppointmentQueryGrain>(0).FindByPhoneAsync(Phone, now - ReplyRouting.LookBack, now + ReplyRouting.LookAhead)];
        }
        return _bookings;
    }

    public Task BookedAsync(string appointmentId)
    {
        _bookings?.Add(appointmentId);
        _told.Add(appointmentId);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<string>> AllBookingsAsync()
    {
        // Not the day index: for a number not in memory that is some 2,000 shard activations, too slow for a page or an
        // erasure. A booking is told here once stored, and its opt-in reaches the record a second later.
        var recorded = await GrainFactory.GetGrain<Records.IClientRecordGrain>(Phone).BookingsAsync();
        return [.. recorded.Union(_told, StringComparer.Ordinal).Union(_bookings ?? [], StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public async Task<bool> ForgetAsync()
    {
        var optedOut = await OptOuts.ForgetAsync(Phone);
        (_bookings, _slots) = (null, null);
        _told.Clear();
        _sent.Clear();
        _sentOrder.Clear();
        // A number opted out stays so: the list answers for it by its hash.
        _optedOut = optedOut;
        DeactivateOnIdle();
        return optedOut;
    }

    private async Task SetOptedOutAsync(bool optedOut)
    {
        // A STOP from a WhatsApp id that stands for another number (Meta said so when sending) silences that number too.
        if (await OptOuts.PhoneOfAsync(Phone) is { } linked && linked != Phone)
        {
            var number = GrainFactory.GetGrain<IRecipientGrain>(linked);
            await (optedOut ? number.OptOutAsync() : number.OptInAsync());
        }
        await OptOuts.SetAsync(Phone, optedOut);
        _optedOut = optedOut;
        var maskedPhone = PhoneMask.Mask(Phone);
        LogOptChanged(logger, maskedPhone, optedOut);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recipient {Phone} opted out: {OptedOut}")]
    private static partial void LogOptChanged(ILogger logger, string phone, bool optedOut);
}
