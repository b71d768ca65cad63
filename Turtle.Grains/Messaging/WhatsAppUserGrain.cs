using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Messaging;

[GenerateSerializer, Alias("Turtle.WhatsAppUserState")]
public sealed class WhatsAppUserState
{
    /// <summary>The number (E.164) a webhook named beside the BSUID, or null while none has.</summary>
    [Id(0)] public string? Phone { get; set; }

    [Id(1)] public DateTimeOffset? LinkedAt { get; set; }

    /// <summary>A STOP (true) or START (false) the user sent while unlinked, for the number a link brings.</summary>
    [Id(2)] public bool? PendingOptOut { get; set; }

    /// <summary>When that STOP or START was sent: only a later one replaces it.</summary>
    [Id(3)] public DateTimeOffset? PendingAt { get; set; }
}

/// <summary>
/// One BSUID and the number it stands for (see <see cref="IWhatsAppUserGrain"/>). Stored with the recipients: a link is
/// learned once and needed for every later message the user sends without a number.
/// </summary>
public sealed partial class WhatsAppUserGrain(
    [PersistentState("whatsappuser", TurtleStorage.Recipients)] IPersistentState<WhatsAppUserState> state,
    TurtleClock time,
    ILogger<WhatsAppUserGrain> logger) : Grain, IWhatsAppUserGrain
{
    private string UserId => this.GetPrimaryKeyString();

    public async Task LinkAsync(string phone)
    {
        ArgumentException.ThrowIfNullOrEmpty(phone);
        var changed = state.State.Phone != phone;
        if (changed)
        {
            state.State.Phone = phone;
            state.State.LinkedAt = time.GetUtcNow();
            var maskedPhone = PhoneMask.Mask(phone);
            LogLinked(logger, UserId, maskedPhone);
        }
        if (state.State.PendingOptOut is { } optOut)
        {
            // Applied before it is forgotten: repeating it after a lost write changes nothing.
            var recipient = GrainFactory.GetGrain<IRecipientGrain>(phone);
            await (optOut ? recipient.OptOutAsync() : recipient.OptInAsync());
            state.State.PendingOptOut = null;
            state.State.PendingAt = null;
            changed = true;
        }
        if (changed)
        {
            await WriteAsync();
        }
    }

    public Task<string?> PhoneAsync() => Task.FromResult(state.State.Phone);

    public async Task<string?> ResolveAsync(WhatsAppUserMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (state.State.Phone is { } phone)
        {
            return phone;
        }
        if (message.OptOut is { } optOut && (state.State.PendingAt is not { } pendingAt || message.At >= pendingAt))
        {
            state.State.PendingOptOut = optOut;
            state.State.PendingAt = message.At;
            await WriteAsync();
        }
        await GrainFactory.GetGrain<IAttentionGrain>(0).RaiseAsync(new AttentionEntry(
            EntryId(message), AttentionReasonCodes.UnmatchedReply, message.At, message.Name ?? "WhatsApp user", MeetingTime: null, Detail(message)));
        LogUnmatched(logger, UserId);
        return null;
    }

    /// <summary>
    /// One attention entry per message (its Meta id, else its time and text), named like a booking id so the console can
    /// mark it handled: a redelivery finds its own entry.
    /// </summary>
    private string EntryId(WhatsAppUserMessage message)
    {
        var occurrence = message.MessageId ?? $"{message.At.ToUnixTimeMilliseconds()}|{message.Text}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{UserId}|{occurrence}"));
        return "reply-" + Convert.ToHexStringLower(hash)[..32];
    }

    private string Detail(WhatsAppUserMessage message)
    {
        var text = message.Text.Length > ClientReply.MaxLength ? message.Text[..ClientReply.MaxLength] + "…" : message.Text;
        var consent = message.OptOut switch
        {
            true => " It is kept as an opt-out and applied to the number once Meta names it.",
            false => " It is kept as an opt-in and applied to the number once Meta names it.",
            null => "",
        };
        return $"WhatsApp user {UserId}, not yet linked to a phone number, wrote: {text}.{consent}";
    }

    private Task WriteAsync() => state.WriteOrReloadAsync(this);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp user {UserId} linked to {Phone}")]
    private static partial void LogLinked(ILogger logger, string userId, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp user {UserId} wrote without a phone number Turtle can link: listed under unmatched-reply")]
    private static partial void LogUnmatched(ILogger logger, string userId);
}
