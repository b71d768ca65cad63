using Microsoft.Extensions.Logging;

namespace Turtle.Grains.Appointments;

/// <summary>A client's erasure as it reaches one of their bookings (SPEC §13); the erasure grain asks every booking of the number.</summary>
public sealed partial class AppointmentGrain
{
    public async Task<ClientErasure> EraseClientAsync(string phone, string by, bool keepRecord)
    {
        if (State.Details?.Phone != phone)
        {
            // Erased already (a repeat, or a step resumed after a silo's death), or never this client's.
            if (State.ClientErasedAt is not null)
            {
                // The erasure's silo may have died between the store and the day index: listing again is harmless.
                await Listing.ListAsync(State.Details, State.Notifications);
            }
            return new ClientErasure(WasTheClients: false, WaId: null);
        }
        if (keepRecord)
        {
            // What the booking still holds for the record goes there first: the record keeps the conversation, the booking not.
            await _target.Record.FlushAsync();
            if (State.RecordPending.Exists(Records.PendingEntries.IsReady))
            {
                throw new InvalidOperationException("The booking's record entries could not reach the record yet; the erasure goes on when they can.");
            }
        }
        var waId = State.ClientWaId;
        // Raised straight to the list, not kept as a mark the store below reviews; it names the client. Cleared first, so a
        // repeat after a lost write clears it too.
        await GrainFactory.GetGrain<IAttentionGrain>(0).ClearAsync(Id, AttentionReasonCodes.AdvisorNoPhone);
        Writer.Changing();
        ClientDataErasure.Apply(State, _time.GetUtcNow(), by);
        if (!keepRecord)
        {
            State.RecordPending.Clear();
        }
        await StoreAsync();
        // The day index forgets the number, name and e-mail: replies and searches no longer find the booking.
        await Listing.ListAsync(State.Details, State.Notifications);
        LogClientErased(_logger, Id);
        return new ClientErasure(WasTheClients: true, waId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {Id}: the client's personal data was erased")]
    private static partial void LogClientErased(ILogger logger, string id);
}
