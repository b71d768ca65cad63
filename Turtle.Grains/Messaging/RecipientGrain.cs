using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Messaging;

/// <summary>
/// One WhatsApp number. Its opt-out flag lives in the opt-out list (read at activation, changed only through
/// this grain on STOP/START); the send slots are kept in memory, since losing them with a silo costs at most one
/// early message, not a lost or doubled one.
/// </summary>
public sealed partial class RecipientGrain(
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<RecipientGrain> logger) : Grain, IRecipientGrain
{
    /// <summary>
    /// Slack for the time between taking a slot and the request reaching Meta (a storage write, the HTTP call):
    /// two sends must arrive at least the spacing apart, not merely be granted so.
    /// </summary>
    private static readonly TimeSpan SlotMargin = TimeSpan.FromSeconds(1);

    private DateTimeOffset _nextFree = DateTimeOffset.MinValue;
    private bool _optedOut;

    /// <summary>
    /// The number's bookings, looked up from the bookings' day index when a reply first needs them and kept up to date by
    /// <see cref="BookedAsync"/>; null until then. Memory only: bookings are found again after a restart, never written here.
    /// </summary>
    private HashSet<string>? _bookings;

    private string Phone => this.GetPrimaryKeyString();
    private IOptOutListGrain OptOuts => GrainFactory.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(Phone));

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _optedOut = await OptOuts.ContainsAsync(Phone);

    public Task<SendSlot> ReserveSendSlotAsync()
    {
        var now = time.GetUtcNow();
        if (_optedOut)
        {
            return Task.FromResult(new SendSlot(true, now));
        }
        var at = _nextFree > now ? _nextFree : now;
        _nextFree = at + options.Value.RecipientSpacing + SlotMargin;
        return Task.FromResult(new SendSlot(false, at));
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
