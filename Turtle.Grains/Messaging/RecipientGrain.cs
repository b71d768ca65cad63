using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Messaging;

[GenerateSerializer, Alias("Turtle.RecipientState")]
public sealed class RecipientState
{
    [Id(0)] public bool OptedOut { get; set; }
    [Id(1)] public DateTimeOffset? ChangedAt { get; set; }
}

/// <summary>
/// One WhatsApp number. The opt-out flag is persisted (written only on STOP/START); the send spacing is
/// kept in memory, since losing it with a silo costs at most one early message, not a lost or doubled one.
/// </summary>
public sealed partial class RecipientGrain(
    [PersistentState("recipient", TurtleStorage.Recipients)] IPersistentState<RecipientState> state,
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

    public Task<SendSlot> TryAcquireSendSlotAsync()
    {
        var now = time.GetUtcNow();
        if (state.State.OptedOut)
        {
            return Task.FromResult(new SendSlot(true, now));
        }
        if (_nextFree > now)
        {
            return Task.FromResult(new SendSlot(false, _nextFree));
        }
        _nextFree = now + options.Value.RecipientSpacing + SlotMargin;
        return Task.FromResult(new SendSlot(false, now));
    }

    public Task OptOutAsync() => SetOptedOutAsync(true);

    public Task OptInAsync() => SetOptedOutAsync(false);

    public Task<bool> IsOptedOutAsync() => Task.FromResult(state.State.OptedOut);

    private async Task SetOptedOutAsync(bool optedOut)
    {
        if (state.State.OptedOut == optedOut && state.RecordExists)
        {
            return;
        }
        state.State.OptedOut = optedOut;
        state.State.ChangedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        var maskedPhone = PhoneMask.Mask(this.GetPrimaryKeyString());
        LogOptChanged(logger, maskedPhone, optedOut);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recipient {Phone} opted out: {OptedOut}")]
    private static partial void LogOptChanged(ILogger logger, string phone, bool optedOut);
}
