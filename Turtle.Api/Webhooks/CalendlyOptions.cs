namespace Turtle.Api.Webhooks;

/// <summary>The <c>Calendly</c> section as the webhook endpoint needs it.</summary>
public sealed class CalendlyOptions
{
    public const string Section = "Calendly";

    /// <summary>Webhook signing key; without one, webhooks are accepted unsigned in Development only.</summary>
    public string? SigningKey { get; set; }

    /// <summary>How far a signature's timestamp may be from this host's clock (replays older than this are refused).</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(3);
}
