namespace Turtle.Grains.Appointments;

/// <summary>The booking's part in the retention sweep (SPEC §13): its personal data goes once its time is up.</summary>
public sealed partial class AppointmentGrain
{
    /// <summary>The record's entries this booking holds, when its turn in the silo's record backlog comes.</summary>
    public Task FlushRecordAsync() => _target.Record.FlushAsync();

    public async Task<bool> RemovePersonalDataAsync(DateTimeOffset endedBefore)
    {
        if (State.PersonalDataRemovedAt is not null || State.Details is null)
        {
            return true;
        }
        if (!BookingRetention.Ended(State.Details, endedBefore))
        {
            return false;
        }
        // The record's entries are keyed by the client's number, which is about to go: they reach the record first.
        await _target.Record.FlushAsync();
        if (_target.Record.Owed)
        {
            return false;
        }
        Writer.Changing();
        BookingRetention.RemovePersonalData(State, _time.GetUtcNow());
        await StoreAsync();
        return true;
    }
}
