using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Records;

namespace Turtle.Grains.Clients;

/// <summary>Where an erasure stands, stored before each step: the number is held only while the work is under way.</summary>
[GenerateSerializer, Alias("Turtle.ClientErasureState")]
public sealed class ClientErasureState
{
    /// <summary>The client's number while the erasure runs; null once done.</summary>
    [Id(0)] public string? Phone { get; set; }
    [Id(1)] public string? By { get; set; }
    [Id(2)] public bool KeepRecord { get; set; }
    /// <summary>Bookings still to erase.</summary>
    [Id(3)] public List<string> Bookings { get; set; } = [];
    [Id(4)] public int BookingsErased { get; set; }
    /// <summary>WhatsApp ids Meta knew the client by (their opt-outs and links go too).</summary>
    [Id(5)] public List<string> WaIds { get; set; } = [];
    [Id(6)] public DateTimeOffset? StartedAt { get; set; }
    [Id(7)] public string? RunId { get; set; }
    [Id(8)] public ErasureStep Step { get; set; }
    [Id(9)] public bool OptedOut { get; set; }
    /// <summary>The last erasure finished; it names no one.</summary>
    [Id(10)] public ErasureResult? Last { get; set; }
}

[GenerateSerializer, Alias("Turtle.ErasureStep")]
public enum ErasureStep
{
    Bookings = 0,
    Recipient = 1,
    Record = 2,
    /// <summary>Between <see cref="Bookings"/> and <see cref="Recipient"/>: the BSUIDs Meta linked to the number.</summary>
    WhatsAppUsers = 3,
}

/// <summary>
/// One client's erasure (<see cref="IClientErasureGrain"/>): the bookings first (each removes the client from itself and
/// from the day index), then every BSUID link to the number (found in <see cref="INumberUserIdsGrain"/>, with the
/// unmatched replies those users left on the attention list), then the number's recipient and opt-out state, then the
/// record (kept with the erasure appended, or deleted). Every step is repeatable, so a run resumed by its reminder after
/// a silo's death redoes at most one.
/// </summary>
public sealed partial class ClientErasureGrain(
    [PersistentState("erasure", TurtleStorage.Recipients)] IPersistentState<ClientErasureState> state,
    IOptions<RecordOptions> options,
    TurtleClock time,
    ILogger<ClientErasureGrain> logger) : Grain, IClientErasureGrain, IRemindable
{
    public const string ReminderName = "erasure";
    private static readonly TimeSpan ResumePeriod = TimeSpan.FromMinutes(1);

    private ClientErasureState State => state.State;

    public async Task<ErasureResult> EraseAsync(string phone, string by)
    {
        ArgumentNullException.ThrowIfNull(phone);
        if (ClientHash.Of(phone) != this.GetPrimaryKeyString())
        {
            throw new ArgumentException("The erasure grain of another number was asked.", nameof(phone));
        }
        if (State.Phone is null)
        {
            var bookings = await GrainFactory.GetGrain<IRecipientGrain>(phone).AllBookingsAsync();
            var entries = await GrainFactory.GetGrain<IClientRecordGrain>(phone).CountAsync();
            var optedOut = await GrainFactory.GetGrain<IOptOutListGrain>(OptOutList.ShardOf(phone)).ContainsAsync(phone);
            var userIds = await GrainFactory.GetGrain<INumberUserIdsGrain>(this.GetPrimaryKeyString()).ListAsync();
            if (bookings.Count == 0 && entries == 0 && !optedOut && userIds.Count == 0 && State.Last is null)
            {
                return ErasureResult.Unknown;
            }
            (State.Phone, State.By, State.KeepRecord, State.Bookings, State.BookingsErased) = (phone, by, options.Value.KeepForRegulator, [.. bookings], 0);
            (State.WaIds, State.StartedAt, State.RunId, State.Step, State.OptedOut) = ([], time.GetUtcNow(), Guid.NewGuid().ToString("N"), ErasureStep.Bookings, false);
            // Armed before the first write that holds the number: a run the silo's death stops is carried on.
            await this.RegisterOrUpdateReminder(ReminderName, ResumePeriod, ResumePeriod);
            await state.WriteOrReloadAsync(this);
        }
        return await RunAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Phone is not null)
        {
            LogResumed(logger, this.GetPrimaryKeyString()[..12], State.Step);
            await RunAsync();
        }
        else if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task<ErasureResult> RunAsync()
    {
        var phone = State.Phone!;
        var by = State.By ?? "unknown";
        if (State.Step == ErasureStep.Bookings)
        {
            foreach (var id in State.Bookings.ToList())
            {
                var erased = await GrainFactory.GetGrain<IAppointmentGrain>(id).EraseClientAsync(phone, by, State.KeepRecord);
                State.BookingsErased += erased.WasTheClients ? 1 : 0;
                if (erased.WaId is { } waId && !State.WaIds.Contains(waId))
                {
                    State.WaIds.Add(waId);
                }
                State.Bookings.Remove(id);
                await state.WriteOrReloadAsync(this);
            }
            State.Step = ErasureStep.WhatsAppUsers;
        }
        if (State.Step == ErasureStep.WhatsAppUsers)
        {
            // Before the recipient: a STOP a user's link still held reaches the number, and is then kept as its hash.
            // Meta may link a BSUID to the WhatsApp id it answered for the number rather than to the number itself.
            foreach (var number in State.WaIds.Prepend(phone))
            {
                var userIds = GrainFactory.GetGrain<INumberUserIdsGrain>(ClientHash.Of(number));
                foreach (var userId in await userIds.ListAsync())
                {
                    await GrainFactory.GetGrain<IWhatsAppUserGrain>(userId).ForgetAsync(number);
                }
                await userIds.ForgetAsync();
            }
            State.Step = ErasureStep.Recipient;
            await state.WriteOrReloadAsync(this);
        }
        if (State.Step == ErasureStep.Recipient)
        {
            var optedOut = await GrainFactory.GetGrain<IRecipientGrain>(phone).ForgetAsync();
            foreach (var waId in State.WaIds)
            {
                optedOut |= await GrainFactory.GetGrain<IRecipientGrain>(waId).ForgetAsync();
            }
            State.OptedOut |= optedOut;
            State.Step = ErasureStep.Record;
            await state.WriteOrReloadAsync(this);
        }
        var entry = new RecordEntry
        {
            Id = $"staff/erase/{State.RunId}",
            At = State.StartedAt ?? time.GetUtcNow(),
            Direction = RecordDirections.Staff,
            Kind = "erase",
            Text = State.KeepRecord
                ? "the client's personal data was erased from bookings, replies, recipient and opt-out state; this record is kept for the regulator until its retention ends"
                : "the client's personal data was erased",
            Actor = by,
        };
        var entries = await GrainFactory.GetGrain<IClientRecordGrain>(phone).EraseAsync(entry, State.KeepRecord);
        var result = new ErasureResult(true, State.BookingsErased, State.OptedOut, State.KeepRecord, entries, time.GetUtcNow());
        (State.Last, State.Phone, State.By, State.Bookings, State.WaIds, State.Step) = (result, null, null, [], [], ErasureStep.Bookings);
        await state.WriteOrReloadAsync(this);
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        LogErased(logger, this.GetPrimaryKeyString()[..12], result.Bookings, result.RecordKept, result.RecordEntries);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasure {Client}: resumed at step {Step} after an interruption")]
    private static partial void LogResumed(ILogger logger, string client, ErasureStep step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure {Client}: {Bookings} booking(s) erased, record kept: {Kept} ({Entries} entries)")]
    private static partial void LogErased(ILogger logger, string client, int bookings, bool kept, int entries);
}
