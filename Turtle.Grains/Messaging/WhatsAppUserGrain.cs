using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Turtle.Grains.Appointments;
using Turtle.Grains.Clients;

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

    /// <summary>The attention entries this user's unlinked messages raised (their ids): an erasure of the number linked later takes them off.</summary>
    [Id(4)] public List<string> Listed { get; set; } = [];
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
    /// <summary>Enough for any real user's unanswered messages; past it the oldest ids go (the list keeps its own cap too).</summary>
    private const int ListedKept = 1_000;

    private string UserId => this.GetPrimaryKeyString();

    public async Task LinkAsync(string phone)
    {
        ArgumentException.ThrowIfNullOrEmpty(phone);
        var changed = state.State.Phone != phone;
        if (changed)
        {
            // Told before the link is stored: a link an erasure of the number could not find is never kept.
            await GrainFactory.GetGrain<INumberUserIdsGrain>(ClientHash.Of(phone)).AddAsync(UserId);
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
        var changed = false;
        if (message.OptOut is { } optOut && (state.State.PendingAt is not { } pendingAt || message.At >= pendingAt))
        {
            state.State.PendingOptOut = optOut;
            state.State.PendingAt = message.At;
            changed = true;
        }
        var entryId = EntryId(message);
        if (!state.State.Listed.Contains(entryId))
        {
            // Kept before the entry is raised: no entry of this user's is on the list without this grain knowing it.
            state.State.Listed.Add(entryId);
            if (state.State.Listed.Count > ListedKept)
            {
                state.State.Listed.RemoveAt(0);
            }
            changed = true;
        }
        if (changed)
        {
            await WriteAsync();
        }
        await GrainFactory.GetGrain<IAttentionGrain>(0).RaiseAsync(new AttentionEntry(
            entryId, AttentionReasonCodes.UnmatchedReply, message.At, message.Name ?? "WhatsApp user", MeetingTime: null, Detail(message)));
        LogUnmatched(logger, UserId);
        return null;
    }

    public async Task<bool> ForgetAsync(string phone)
    {
        ArgumentException.ThrowIfNullOrEmpty(phone);
        if (state.State.Phone != phone)
        {
            return false;
        }
        if (state.State.PendingOptOut == true)
        {
            // A STOP a lost write left waiting: the number's erasure keeps it as a hash only after it reaches the number.
            await GrainFactory.GetGrain<IRecipientGrain>(phone).OptOutAsync();
        }
        var attention = GrainFactory.GetGrain<IAttentionGrain>(0);
        foreach (var entryId in state.State.Listed)
        {
            await attention.ClearAsync(entryId, AttentionReasonCodes.UnmatchedReply);
        }
        // Last, so a forgetting stopped part-way is found again by the number and done whole.
        try
        {
            await state.ClearStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        LogForgotten(logger, UserId);
        return true;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp user {UserId}: the link to an erased client's number was forgotten")]
    private static partial void LogForgotten(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp user {UserId} wrote without a phone number Turtle can link: listed under unmatched-reply")]
    private static partial void LogUnmatched(ILogger logger, string userId);
}
