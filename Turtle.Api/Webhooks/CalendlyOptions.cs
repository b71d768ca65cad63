using System.ComponentModel.DataAnnotations;

namespace Turtle.Api.Webhooks;

/// <summary>The <c>Calendly</c> section as the webhook endpoint needs it.</summary>
public sealed class CalendlyOptions
{
    public const string Section = "Calendly";

    /// <summary>Webhook signing key; without one, webhooks are accepted unsigned in Development only.</summary>
    public string? SigningKey { get; set; }
}

/// <summary>The part of the <c>Notifications</c> section the API uses to read phone numbers.</summary>
public sealed class PhoneRegionOptions
{
    public const string Section = "Notifications";

    /// <summary>Region assumed for numbers written without a country code.</summary>
    [Required(ErrorMessage = "Notifications:DefaultRegion is required (two upper-case letters, e.g. IN).")]
    [RegularExpression("^[A-Z]{2}$", ErrorMessage = "Notifications:DefaultRegion must be two upper-case letters (ISO 3166 region, e.g. IN).")]
    public string DefaultRegion { get; set; } = "IN";
}
