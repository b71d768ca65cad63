using System.ComponentModel.DataAnnotations;

namespace Turtle.Grains.Calendly;

/// <summary>The <c>Calendly</c> keys of reconciliation (SPEC §8); it runs only when <c>Calendly:ApiToken</c> is set.</summary>
public sealed class ReconcileOptions : IValidatableObject
{
    public const string IntervalKey = CalendlyApiOptions.Section + ":" + nameof(ReconcileInterval);
    public const string DaysKey = CalendlyApiOptions.Section + ":" + nameof(ReconcileDays);
    public const string ConcurrencyKey = CalendlyApiOptions.Section + ":" + nameof(ReconcileConcurrency);

    /// <summary>How often the cluster reconciles with Calendly.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far ahead it looks: meetings starting between now and now + this many days.</summary>
    public int ReconcileDays { get; set; } = 60;

    /// <summary>
    /// Events whose invitees are read and booked at once. Calendly allows a user 500 requests a minute (50 on the free
    /// plan), one per event here; more in flight only meets its 429s sooner.
    /// </summary>
    public int ReconcileConcurrency { get; set; } = 4;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReconcileInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult($"{IntervalKey} must be at least 00:00:01 (default 00:15:00).", [nameof(ReconcileInterval)]);
        }
        if (ReconcileDays is < 1 or > 366)
        {
            yield return new ValidationResult($"{DaysKey} must be between 1 and 366 (default 60).", [nameof(ReconcileDays)]);
        }
        if (ReconcileConcurrency is < 1 or > 32)
        {
            yield return new ValidationResult($"{ConcurrencyKey} must be between 1 and 32 (default 4).", [nameof(ReconcileConcurrency)]);
        }
    }
}
