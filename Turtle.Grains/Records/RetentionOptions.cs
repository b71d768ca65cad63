using System.ComponentModel.DataAnnotations;

namespace Turtle.Grains.Records;

/// <summary>The <c>Records</c> keys of retention (SPEC §13): how long the record and a booking's personal data are kept.</summary>
public sealed class RetentionOptions : IValidatableObject
{
    public const string Section = "Records";
    public const string RetentionPeriodKey = Section + ":" + nameof(RetentionPeriod);
    public const string BookingRetentionKey = Section + ":" + nameof(BookingRetention);

    /// <summary>After this, counted from the day an entry was appended, the daily sweep deletes it (five years).</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(1826);

    /// <summary>After this, counted from a meeting's end, its booking keeps no name, phone, e-mail, answers or replies.</summary>
    public TimeSpan BookingRetention { get; set; } = TimeSpan.FromDays(180);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Under a day, a sweep (daily, by the day) would delete what was appended the day it runs.
        if (RetentionPeriod < TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"{RetentionPeriodKey} must be at least 1.00:00:00 (default 1826.00:00:00).", [nameof(RetentionPeriod)]);
        }
        if (BookingRetention < TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"{BookingRetentionKey} must be at least 1.00:00:00 (default 180.00:00:00).", [nameof(BookingRetention)]);
        }
    }
}
