using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Templates;

/// <summary>
/// Every kind's template as this silo's configuration maps it, each asked of its own grain. Stateless: the mapping
/// is configuration, and the templates keep their own state. A template Meta's webhooks have not reported on yet is
/// read once from Meta's message_templates edge when the silo can (an access token and <c>WhatsApp:BusinessAccountId</c>),
/// so the list is right from the first day, not only after Meta's first change.
/// </summary>
[StatelessWorker]
public sealed partial class TemplateCatalogGrain(
    IOptions<WhatsAppOptions> whatsApp,
    IOptions<NotificationOptions> notifications,
    MessageTemplateClient meta,
    TimeProvider time,
    ILogger<TemplateCatalogGrain> logger) : Grain, ITemplateCatalogGrain
{
    public async Task<IReadOnlyList<TemplateListing>> ListAsync()
    {
        var kinds = MessageTemplates.All.Select(t => t.Kind).Where(k => !notifications.Value.IsDisabled(k)).Order().ToList();
        return await Task.WhenAll(kinds.Select(async kind =>
        {
            var configured = whatsApp.Value.TemplateFor(kind);
            var grain = GrainFactory.GetGrain<ITemplateGrain>(TemplateKey.Of(configured.Name!, configured.Language!));
            var view = await grain.GetAsync();
            if (view.Since is null && await AtMetaAsync(configured.Name!, configured.Language!) is { } update)
            {
                await grain.ApplyAsync(update);
                view = await grain.GetAsync();
            }
            return new TemplateListing(kind, view.Name, view.Language, view.Status, view.Category, view.IntendedCategory, view.Quality, view.Reason, view.Since)
            {
                AnnouncedCategory = view.AnnouncedCategory,
                AnnouncedFor = view.AnnouncedFor,
                Problem = view.Problem,
            };
        }));
    }

    /// <summary>The template's status and category as Meta's API answers now; null when it cannot be asked or has no such template.</summary>
    private async Task<TemplateUpdate?> AtMetaAsync(string name, string language)
    {
        var options = whatsApp.Value;
        if (options.IsDryRun || string.IsNullOrWhiteSpace(options.BusinessAccountId))
        {
            return null;
        }
        try
        {
            var found = (await meta.ListAsync(name)).FirstOrDefault(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase));
            return found is null ? null : new TemplateUpdate
            {
                Field = TemplateUpdateField.Status,
                Name = name,
                Language = language,
                At = time.GetUtcNow(),
                TemplateId = found.Id,
                Event = found.Status,
                Category = found.Category,
                Reason = found.RejectedReason is { Length: > 0 } reason && reason != "NONE" ? reason : null,
            };
        }
        catch (MetaApiException e)
        {
            // The list still answers: the template shows as not reported until Meta's webhook or a later read.
            LogNotRead(logger, name, language, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Template {Name} ({Language}) could not be read from Meta's API")]
    private static partial void LogNotRead(ILogger logger, string name, string language, Exception exception);
}
