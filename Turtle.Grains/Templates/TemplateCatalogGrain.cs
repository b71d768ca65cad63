using Orleans.Concurrency;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Templates;

/// <summary>
/// Every kind's template as this silo's configuration maps it, each asked of its own grain. Stateless: the mapping
/// is configuration, and the templates keep their own state.
/// </summary>
[StatelessWorker]
public sealed class TemplateCatalogGrain(IOptions<WhatsAppOptions> whatsApp, IOptions<NotificationOptions> notifications) : Grain, ITemplateCatalogGrain
{
    public async Task<IReadOnlyList<TemplateListing>> ListAsync()
    {
        var kinds = MessageTemplates.All.Select(t => t.Kind).Where(k => !notifications.Value.IsDisabled(k)).Order().ToList();
        return await Task.WhenAll(kinds.Select(async kind =>
        {
            var configured = whatsApp.Value.TemplateFor(kind);
            var view = await GrainFactory.GetGrain<ITemplateGrain>(TemplateKey.Of(configured.Name!, configured.Language!)).GetAsync();
            return new TemplateListing(kind, view.Name, view.Language, view.Status, view.Category, view.IntendedCategory, view.Quality, view.Reason, view.Since)
            {
                AnnouncedCategory = view.AnnouncedCategory,
                AnnouncedFor = view.AnnouncedFor,
                Problem = view.Problem,
            };
        }));
    }
}
