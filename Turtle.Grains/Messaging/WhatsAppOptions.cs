using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Messaging;

/// <summary>The <c>WhatsApp</c> section: the Cloud API account, the dry-run outbox and one template per message kind.</summary>
public sealed partial class WhatsAppOptions : IValidatableObject
{
    public const string Section = "WhatsApp";

    public string ApiBaseUrl { get; set; } = "https://graph.facebook.com";

    public string ApiVersion { get; set; } = "v23.0";

    public string? PhoneNumberId { get; set; }

    /// <summary>The WhatsApp Business Account (WABA) the templates belong to; <c>./turtle whatsapp templates</c> needs it.</summary>
    public string? BusinessAccountId { get; set; }

    /// <summary>Without a token nothing is sent: messages go to the outbox (dry run).</summary>
    public string? AccessToken { get; set; }

    /// <summary>Checks <c>X-Hub-Signature-256</c> on Meta's webhooks (API).</summary>
    public string? AppSecret { get; set; }

    /// <summary>Answers Meta's webhook verification (API).</summary>
    public string? VerifyToken { get; set; }

    /// <summary>JSON-lines file of dry-run messages, relative to the current directory.</summary>
    public string OutboxPath { get; set; } = ".data/outbox.jsonl";

    /// <summary>Longest wait for one Graph API call; a timeout counts as transient.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>While Meta refuses the access token, how often one held message probes whether it works again.</summary>
    public TimeSpan AccessTokenProbeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Keyed by <see cref="NotificationKind"/> name; kinds and fields left out get the defaults of SPEC §6.</summary>
    public Dictionary<string, WhatsAppTemplateOptions> Templates { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool IsDryRun => string.IsNullOrWhiteSpace(AccessToken);

    /// <summary>
    /// The languages the client-facing templates exist in (SPEC §15); the first is the default, which advisors' messages
    /// and every fallback use. Filled with <c>en</c> by <see cref="ApplyDefaults"/> when configuration names none.
    /// </summary>
    public List<string> Languages { get; } = [];

    /// <summary>The first of <see cref="Languages"/>.</summary>
    public string DefaultLanguage => Languages.Count > 0 ? Languages[0] : MessageTemplate.DefaultLanguage;

    /// <summary>The template a kind is sent with; complete once the options have been post-configured.</summary>
    public WhatsAppTemplateOptions TemplateFor(NotificationKind kind) =>
        Templates.TryGetValue(kind.ToString(), out var template)
            ? template
            : throw new InvalidOperationException($"{Section}:Templates:{kind} is not configured.");

    /// <summary>
    /// Fills what configuration left out. Binding appends to lists, so defaults are never put in the
    /// properties up front: they are applied here, per kind and per field, only where nothing is set.
    /// </summary>
    public void ApplyDefaults()
    {
        if (Languages.Count == 0)
        {
            Languages.Add(MessageTemplate.DefaultLanguage);
        }
        foreach (var kind in Enum.GetValues<NotificationKind>())
        {
            if (!Templates.TryGetValue(kind.ToString(), out var template))
            {
                template = new WhatsAppTemplateOptions();
                Templates[kind.ToString()] = template;
            }
            var defaults = MessageTemplates.Of(kind).ToOptions();
            if (string.IsNullOrWhiteSpace(template.Name))
            {
                template.Name = defaults.Name;
            }
            if (string.IsNullOrWhiteSpace(template.Language))
            {
                template.Language = DefaultLanguage;
            }
            if (template.Parameters.Count == 0)
            {
                template.Parameters.AddRange(defaults.Parameters);
            }
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => Validate(sending: true);

    /// <summary>The rules; <paramref name="sending"/> false leaves out what only sending messages needs (a phone number id).</summary>
    public IEnumerable<ValidationResult> Validate(bool sending)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult($"{Section}:ApiBaseUrl '{ApiBaseUrl}' must be an absolute http(s) URL.", [nameof(ApiBaseUrl)]);
        }
        if (ApiVersion is null || !ApiVersionPattern().IsMatch(ApiVersion))
        {
            yield return new ValidationResult($"{Section}:ApiVersion '{ApiVersion}' must look like v23.0.", [nameof(ApiVersion)]);
        }
        if (sending && !IsDryRun && string.IsNullOrWhiteSpace(PhoneNumberId))
        {
            yield return new ValidationResult($"{Section}:PhoneNumberId is required when {Section}:AccessToken is set.", [nameof(PhoneNumberId)]);
        }
        if (!string.IsNullOrEmpty(BusinessAccountId) && !BusinessAccountId.All(char.IsAsciiDigit))
        {
            yield return new ValidationResult($"{Section}:BusinessAccountId '{BusinessAccountId}' must be the WhatsApp Business Account's numeric id (WhatsApp Manager, Account tools).", [nameof(BusinessAccountId)]);
        }
        if (string.IsNullOrWhiteSpace(OutboxPath))
        {
            yield return new ValidationResult($"{Section}:OutboxPath must not be empty.", [nameof(OutboxPath)]);
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:RequestTimeout must be positive.", [nameof(RequestTimeout)]);
        }
        for (var i = 0; i < Languages.Count; i++)
        {
            if (!LanguagePattern().IsMatch(Languages[i]))
            {
                yield return new ValidationResult($"{Section}:Languages:{i} '{Languages[i]}' is not a language code such as en or hi.", [nameof(Languages)]);
            }
        }
        foreach (var (key, template) in Templates)
        {
            var path = $"{Section}:Templates:{key}";
            if (!Enum.GetNames<NotificationKind>().Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                yield return new ValidationResult($"{path} is not a message kind (use {string.Join(", ", Enum.GetNames<NotificationKind>())}).", [nameof(Templates)]);
                continue;
            }
            if (template.Name is null || !TemplateNamePattern().IsMatch(template.Name))
            {
                yield return new ValidationResult($"{path}:Name '{template.Name}' is not a WhatsApp template name (lowercase letters, digits, underscores).", [nameof(Templates)]);
            }
            if (template.Language is null || !LanguagePattern().IsMatch(template.Language))
            {
                yield return new ValidationResult($"{path}:Language '{template.Language}' is not a language code such as en or en_US.", [nameof(Templates)]);
            }
            for (var i = 0; i < template.Parameters.Count; i++)
            {
                if (!TemplateVariables.All.Contains(template.Parameters[i]))
                {
                    yield return new ValidationResult($"{path}:Parameters:{i} '{template.Parameters[i]}' is not a known variable (use {string.Join(", ", TemplateVariables.All.Order(StringComparer.Ordinal))}).", [nameof(Templates)]);
                }
            }
        }
    }

    [GeneratedRegex(@"^v\d+\.\d+$")]
    private static partial Regex ApiVersionPattern();

    [GeneratedRegex("^[a-z0-9_]{1,512}$")]
    private static partial Regex TemplateNamePattern();

    [GeneratedRegex("^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4})?$")]
    private static partial Regex LanguagePattern();
}

/// <summary>One approved template: its name, language and which variable fills each body parameter, in order.</summary>
public sealed class WhatsAppTemplateOptions
{
    public string? Name { get; set; }

    public string? Language { get; set; }

    /// <summary>Variable names (see <see cref="TemplateVariables"/>), one per <c>{{n}}</c> of the template body.</summary>
    public List<string> Parameters { get; } = [];
}
