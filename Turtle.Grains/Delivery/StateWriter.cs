using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Turtle.Grains.Hosting;

namespace Turtle.Grains.Delivery;

/// <summary>
/// Writes a booking's state and decides what a failed write means. Memory ahead of storage is normally dropped (the
/// activation goes and the next call starts from what is stored), except when memory holds the outcome of a send that
/// storage does not know of yet: then memory is that outcome's only record, so the activation stays and writes again
/// shortly. A conflict means storage holds a newer copy (another activation, or a lost answer to a write that landed).
/// </summary>
/// <remarks>An advisor's agenda writes its one message through it too: any grain state whose record holds a send's outcome.</remarks>
public sealed partial class StateWriter(Orleans.Core.IStorage state, ILogger logger)
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Set by the grain: drops the activation (memory is ahead of storage).</summary>
    public Action Deactivate { get; set; } = () => { };

    /// <summary>Set by the grain: wakes the booking after a delay to write again.</summary>
    public Action<TimeSpan> WakeIn { get; set; } = _ => { };

    /// <summary>Set by the grain: brings what is derived from the state (its attention marks) up to date before each write.</summary>
    public Action BeforeWrite { get; set; } = () => { };

    public bool IsStored => state.RecordExists;

    /// <summary>A send's outcome is in memory only: it must be written before anything else happens.</summary>
    public bool HoldsUnrecordedOutcome { get; private set; }

    /// <summary>
    /// Persists a claim before its send. A booking not stored yet has no copy another activation could hold, so its
    /// claim is this activation's memory; its first write records the outcome (two table writes per booking, not four).
    /// </summary>
    public Task ClaimAsync() => IsStored ? WriteAsync() : Task.CompletedTask;

    /// <summary>
    /// Persists what became of a due message; for a booking not stored yet, its first write does. <paramref name="sent"/>:
    /// a request went out, so this memory is its only record until written.
    /// </summary>
    public Task RecordAsync(bool sent)
    {
        HoldsUnrecordedOutcome |= sent;
        return IsStored ? WriteAsync() : Task.CompletedTask;
    }

    public async Task WriteAsync()
    {
        BeforeWrite();
        try
        {
            await state.WriteStateAsync();
            HoldsUnrecordedOutcome = false;
        }
        catch (InconsistentStateException)
        {
            HoldsUnrecordedOutcome = false;
            Deactivate();
            throw;
        }
        catch (Exception e) when (HoldsUnrecordedOutcome && IsOutage(e))
        {
            LogOutcomeNotStored(logger, e.Message);
            WakeIn(RetryDelay);
            throw new StorageUnavailableException("The booking could not be stored; it is kept in memory and written again shortly.", e);
        }
        catch (Exception e) when (IsOutage(e))
        {
            Deactivate();
            throw new StorageUnavailableException("The booking could not be stored.", e);
        }
        catch
        {
            Deactivate();
            throw;
        }
    }

    /// <summary>Storage did not answer or refused for now; a state it can never take (too large, unserializable) is a bug instead.</summary>
    private static bool IsOutage(Exception e) =>
        e is not (ArgumentException or InvalidOperationException or NotSupportedException or NullReferenceException or InvalidCastException);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sent message's outcome is not stored yet ({Error}); writing again shortly")]
    private static partial void LogOutcomeNotStored(ILogger logger, string error);
}
