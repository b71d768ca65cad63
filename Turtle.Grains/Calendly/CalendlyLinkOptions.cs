using System.ComponentModel.DataAnnotations;

namespace Turtle.Grains.Calendly;

/// <summary>The part of the <c>Calendly</c> section the messages link to: the firm's scheduling page (<c>booking_url</c>).</summary>
public sealed class CalendlyLinkOptions : IValidatableObject
{
    public const string Section = "Calendly";

    /// <summary>Where a client books a new meeting (e.g. <c>https://calendly.com/the-firm</c>); without it, <c>booking_url</c> is the booking's reschedule link.</summary>
    public string? BookingUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(BookingUrl)
            && (!Uri.TryCreate(BookingUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")))
        {
            yield return new ValidationResult($"{Section}:BookingUrl '{BookingUrl}' must be an absolute http(s) URL such as https://calendly.com/your-firm.", [nameof(BookingUrl)]);
        }
    }
}
