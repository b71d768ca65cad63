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
    private RecipientSlots Slots => _slots ??= new RecipientSlots(options.Value.RecipientSpacing);

    private string Phone => this.GetPrimaryKeyString();
    private IOptOutListGrain OptOuts => GrainFactory.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(Phone));

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _optedOut = await OptOuts.ContainsAsync(Phone);

    public Task<SendSlot> ReserveSendSlotAsync(string holder)
    {
        var now = time.GetUtcNow();
        return Task.FromResult(_optedOut ? new SendSlot(true, now) : new SendSlot(false, Slots.Reserve(holder, now)));
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
        var now = time.GetUtcNow();
        if (_bookings is null)
        {
            // A booking lists itself in the index before it tells this grain, so none stored meanwhile is missed.
            _bookings = [.. await GrainFactory.GetGrain<IAppointmentQueryGrain>(0).FindByPhoneAsync(Phone, now - ReplyRouting.LookBack, now + ReplyRouting.LookAhead)];
        }
        var views = await Task.WhenAll(_bookings.Select(id => GrainFactory.GetGrain<IAppointmentGrain>(id).GetAsync()));
        return ReplyRouting.Choose(views.OfType<AppointmentView>(), now);
    }

    public Task BookedAsync(string appointmentId)
    {
        _bookings?.Add(appointmentId);
        return Task.CompletedTask;
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
