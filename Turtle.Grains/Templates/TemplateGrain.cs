using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Delivery;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Templates;

/// <summary>
/// One template in one language as Meta reported it. State is written before the attention list is told, and the
/// list is told on every report (repeats included), so a delivery that failed half-way is completed by Meta's retry.
/// </summary>
public sealed partial class TemplateGrain(
    [PersistentState("template", TurtleStorage.Appointments)] IPersistentState<TemplateState> state,
    IOptions<WhatsAppOptions> whatsApp,
    IOptions<NotificationOptions> notifications,
    TimeProvider time,
    ILogger<TemplateGrain> logger) : Grain, ITemplateGrain
{
    private string Name => TemplateKey.Parse(this.GetPrimaryKeyString()).Name;
    private string Language => TemplateKey.Parse(this.GetPrimaryKeyString()).Language;

    public async Task ApplyAsync(TemplateUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var changed = TemplateLifecycle.Apply(state.State, update);
        changed |= TemplateLifecycle.TrackProblem(state.State, time.GetUtcNow());
        if (changed)
        {
            // A failed write leaves memory ahead of storage: the activation goes, so Meta's retry of the webhook finds the
            // change still to make.
            await state.WriteOrReloadAsync(this);
            LogApplied(logger, Name, Language, update.Field, state.State.Status, state.State.Category, state.State.Quality);
        }
        await TellAttentionAsync();
    }

    public Task<TemplateView> GetAsync() => Task.FromResult(TemplateLifecycle.View(state.State, Name, Language, Kinds()));

    public Task<TemplateSendCheck> CheckSendAsync() => Task.FromResult(TemplateLifecycle.Check(state.State, Name, Language));

    /// <summary>
    /// One attention item per template, only for templates one of Turtle's kinds is sent with (the same business account
    /// may hold other tools' templates); it goes when the template is approved in its intended category again.
    /// </summary>
    private async Task TellAttentionAsync()
    {
        var list = GrainFactory.GetGrain<IAttentionGrain>(0);
        var kinds = Kinds();
        var problem = TemplateLifecycle.Problem(state.State, Name, Language, kinds);
        if (problem is null || kinds.Count == 0 || state.State.ProblemSince is not { } since)
        {
            await list.ClearAsync(this.GetPrimaryKeyString(), AttentionReasonCodes.Template);
            return;
        }
        await list.RaiseAsync(new AttentionEntry(this.GetPrimaryKeyString(), AttentionReasonCodes.Template, since, Client: null, MeetingTime: null, problem));
    }

    /// <summary>The kinds sent with this template; a disabled kind sends nothing, so its template needs no one.</summary>
    private List<string> Kinds() =>
        [.. whatsApp.Value.Templates
            .Where(t => t.Value.Name == Name && string.Equals(t.Value.Language, Language, StringComparison.OrdinalIgnoreCase))
            .Where(t => !notifications.Value.DisabledKinds.Contains(t.Key, StringComparer.OrdinalIgnoreCase))
            .Select(t => t.Key)
            .Order(StringComparer.Ordinal)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Template {Name} ({Language}): Meta's {Field} report applied; status {Status}, category {Category}, quality {Quality}")]
    private static partial void LogApplied(ILogger logger, string name, string language, TemplateUpdateField field, string? status, string? category, string? quality);
}
