using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Turtle.Grains.Hosting;

namespace Turtle.Grains.Delivery;

/// <summary>What memory holds that storage does not.</summary>
[Flags]
public enum Unwritten
{
    Nothing = 0,
    /// <summary>A change a call made (a booking, a cancel): that call's retry must store it, not answer from memory.</summary>
    Change = 1,
    /// <summary>The outcome of a send: memory is its only record, so the activation stays and writes it again shortly.</summary>
    SentOutcome = 2,
    /// <summary>
    /// Progress of a sent message (Meta's sent, delivered, read), answered from memory and written behind
    /// (<see cref="StateWriter.WriteSoon"/>): an activation lost before that write loses it.
    /// </summary>
    Progress = 4,
}

/// <summary>
/// Writes a holder's state (a booking's, an agenda's) and decides what a failed write means. Memory ahead of storage is
/// normally dropped (the activation goes and the next call starts from what is stored), except when memory holds the
/// outcome of a send that storage does not know of yet: then the activation stays and writes again shortly. A conflict
/// means storage holds a newer copy (another activation, or a lost answer to a write that landed).
/// </summary>
public sealed partial class StateWriter(Orleans.Core.IStorage state, IGrainBase grain, IDeliveryTarget target, WakeAlarm alarm, ILogger logger)
{
    /// <summary>
    /// How long progress waits to be written: Meta posts a message's sent, delivered and read seconds apart, so one write
    /// stores them all. It is also how much progress a silo lost without warning can lose.
    /// </summary>
    public static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(5);

    private WriteBehind? _behind;

    public bool IsStored => state.RecordExists;

    /// <summary>What memory holds that storage does not, as far as this activation knows.</summary>
    public Unwritten Ahead { get; private set; }

    /// <summary>A send's outcome is in memory only: it must be written before anything else happens.</summary>
    public bool HoldsUnrecordedOutcome => Ahead.HasFlag(Unwritten.SentOutcome);

    /// <summary>The caller is changing the state: until it is written, its retry must write it.</summary>
    public void Changing() => Ahead |= Unwritten.Change;

    /// <summary>
    /// Persists a claim before its send. A holder whose first write is its caller's has no copy another activation could
    /// hold before that write, so its claim is this activation's memory, and that write records the outcome.
    /// </summary>
    public Task ClaimAsync() => IsStored || target.FirstWrite == FirstWrite.AtClaim ? WriteAsync() : Task.CompletedTask;

    /// <summary>
    /// Persists what became of a due message; for a holder not stored yet, its first write does. <paramref name="sent"/>:
    /// a request went out, so this memory is its only record until written.
    /// </summary>
    public Task RecordAsync(bool sent)
    {
        if (sent)
        {
            Ahead |= Unwritten.SentOutcome;
        }
        return IsStored ? WriteAsync() : Task.CompletedTask;
    }

    /// <summary>
    /// Writes the state within <see cref="ProgressDelay"/>, once for all the progress made meanwhile; any write before then
    /// stores it too, and so does the activation's end (<see cref="FlushBehindAsync"/>). Only for what may be lost with a
    /// silo (a message's delivered or read): memory is its only copy until then. A write that fails here fails as any
    /// other does: a conflict drops it with the activation (storage holds a newer copy), an outage too, after one more try
    /// as the activation ends.
    /// </summary>
    public void WriteSoon()
    {
        Ahead |= Unwritten.Progress;
        _behind ??= new WriteBehind(grain, _ => Ahead.HasFlag(Unwritten.Progress) ? WriteAsync() : Task.CompletedTask, ProgressDelay, e => LogProgressNotWritten(logger, e.Message));
        _behind.Soon();
    }

    /// <summary>Writes progress still waiting for its write now: the activation is ending.</summary>
    public Task FlushBehindAsync(CancellationToken cancellationToken) =>
        _behind is { } behind && Ahead.HasFlag(Unwritten.Progress) ? behind.FlushAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Writes the state; a change a call made stays its own to store (<see cref="StoreChangeAsync"/>).</summary>
    public Task WriteAsync() => WriteAsync(Unwritten.SentOutcome);

    /// <summary>Writes the state as the call that changed it: its retry has nothing left to store.</summary>
    public Task StoreChangeAsync() => WriteAsync(Unwritten.SentOutcome | Unwritten.Change);

    private async Task WriteAsync(Unwritten written)
    {
        target.BeforeWrite();
        try
        {
            await state.WriteStateAsync();
            // Whatever was waiting to be written behind is in this write.
            Ahead &= ~(written | Unwritten.Progress);
            target.Written();
        }
        catch (InconsistentStateException)
        {
            Ahead &= ~(Unwritten.SentOutcome | Unwritten.Progress);
            grain.DeactivateOnIdle();
            throw;
        }
        catch (Exception e) when (HoldsUnrecordedOutcome && IsOutage(e))
        {
            LogOutcomeNotStored(logger, e.Message);
            alarm.WakeIn(WakePolicy.UnrecordedOutcomeRetry);
            throw new StorageUnavailableException("The state could not be stored; it is kept in memory and written again shortly.", e);
        }
        catch (Exception e) when (IsOutage(e))
        {
            grain.DeactivateOnIdle();
            throw new StorageUnavailableException("The state could not be stored.", e);
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Storage did not answer or refused for now; a state it can never take (too large, unserializable) is a bug instead.</summary>
    private static bool IsOutage(Exception e) =>
        e is not (ArgumentException or InvalidOperationException or NotSupportedException or NullReferenceException or InvalidCastException);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message's delivery progress could not be written behind ({Error})")]
    private static partial void LogProgressNotWritten(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sent message's outcome is not stored yet ({Error}); writing again shortly")]
    private static partial void LogOutcomeNotStored(ILogger logger, string error);
}
