using System.Collections.Concurrent;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Calendly;

/// <summary>
/// The counts of one reconciliation as it goes (several events are worked on at once) and the result they make. Errors
/// are kept up to <see cref="MaxErrors"/>; past that only their number is.
/// </summary>
public sealed class ReconcileTally(DateTimeOffset startedAt, DateTimeOffset windowEnd)
{
    public const int MaxErrors = 50;

    private readonly ConcurrentQueue<string> _errors = new();
    private int _events;
    private int _invitees;
    private int _created;
    private int _cancelled;
    private int _unchanged;
    private int _errorCount;
    private bool _notConfigured;
    private bool _partial;

    public void Event() => Interlocked.Increment(ref _events);

    public void Invitee() => Interlocked.Increment(ref _invitees);

    /// <summary>What a booking call did: a change is a booking made or cancelled, no change is an invitee Turtle had as it is.</summary>
    public void Booked(BookingResult result) => Count(result, ref _created);

    public void Cancelled(BookingResult result) => Count(result, ref _cancelled);

    public void Unchanged() => Interlocked.Increment(ref _unchanged);

    public void Error(string error)
    {
        if (Interlocked.Increment(ref _errorCount) <= MaxErrors)
        {
            _errors.Enqueue(error);
        }
    }

    /// <summary>The listing failed: what follows it in Calendly was not looked at.</summary>
    public void Stopped(string error)
    {
        _partial = true;
        Error(error);
    }

    public void NotConfigured(string error)
    {
        _notConfigured = true;
        Error(error);
    }

    public ReconcileResult Result(DateTimeOffset finishedAt)
    {
        var errors = _errors.ToList();
        if (_errorCount > MaxErrors)
        {
            errors.Add($"… and {_errorCount - MaxErrors} more errors (see the silo's log).");
        }
        return new ReconcileResult
        {
            Events = _events,
            Invitees = _invitees,
            Created = _created,
            Cancelled = _cancelled,
            Unchanged = _unchanged,
            Errors = errors,
            Outcome = _notConfigured ? ReconcileRunOutcome.NotConfigured
                : _errorCount == 0 ? ReconcileRunOutcome.Completed
                : ReconcileRunOutcome.Failed,
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            WindowEnd = windowEnd,
            Partial = _partial,
        };
    }

    private void Count(BookingResult result, ref int changed) =>
        Interlocked.Increment(ref result.Changed ? ref changed : ref _unchanged);
}
