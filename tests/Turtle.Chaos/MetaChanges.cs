using System.Text.Json;
using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>
/// A template Meta paused for its quality (<see cref="Pause"/>, <c>message_template_status_update</c> PAUSED) and
/// approved again (<see cref="Resume"/>, APPROVED): the messages of <see cref="Kind"/>, sent with <see cref="Template"/>,
/// wait meanwhile and go once it is approved.
/// </summary>
public sealed record TemplatePause(string Template, string Kind, Delivery Pause, Delivery Resume);

/// <summary>A template Meta moved to another category on its own (<c>template_category_update</c>).</summary>
public sealed record TemplateRecategorisation(string Template, string Category, Delivery Update);

/// <summary>
/// What Meta changes on its own during the run, besides answering sends: it pauses the reminder's template and
/// approves it again a minute later (Meta's first pause lasts hours; a minute keeps the held reminders well before their
/// meetings), and re-categorises the missed-meeting template as MARKETING (Meta's own example of a marketing message is
/// a "book again" invitation). Each change is one step, at a share of the run: the fake's template list changes, then
/// its webhook goes as Meta delivers them (the Meta sender retries until taken). A failed status Meta posts for a message
/// it had accepted (an asynchronous failure) is one more step of the same shape.
/// </summary>
public sealed class MetaChanges
{
    /// <summary>The templates' names and language as the silos are configured (Turtle's defaults, SPEC §6).</summary>
    public const string ReminderTemplate = "turtle_meeting_reminder";
    public const string NoShowTemplate = "turtle_missed_meeting";
    public const string Language = "en";

    private static readonly TimeSpan PauseLength = TimeSpan.FromMinutes(1);

    private readonly FakeWhatsAppApi _meta;
    private readonly WebhookSender _sender;
    private readonly List<(DateTimeOffset At, Action Change, Delivery Webhook)> _steps = [];

    public MetaChanges(FakeWhatsAppApi meta, WebhookSender sender, DateTimeOffset start, TimeSpan duration)
    {
        (_meta, _sender) = (meta, sender);
        foreach (var template in new[] { ReminderTemplate, NoShowTemplate })
        {
            meta.SeedTemplate(template, Language, "APPROVED");
        }
        var paused = start + (duration * 0.3);
        var resumed = paused + PauseLength;
        Pause = new TemplatePause(ReminderTemplate, "Reminder",
            Step(paused, () => meta.SetTemplateStatus(ReminderTemplate, Language, "PAUSED"),
                "template.paused", meta.BuildTemplateStatusPayload(ReminderTemplate, Language, "PAUSED", at: paused)),
            Step(resumed, () => meta.SetTemplateStatus(ReminderTemplate, Language, "APPROVED"),
                "template.approved", meta.BuildTemplateStatusPayload(ReminderTemplate, Language, "APPROVED", at: resumed)));
        var recategorised = start + (duration * 0.5);
        Recategorisation = new TemplateRecategorisation(NoShowTemplate, "MARKETING",
            Step(recategorised, () => meta.Recategorise(NoShowTemplate, Language, "MARKETING"),
                "template.recategorised", meta.BuildTemplateCategoryPayload(NoShowTemplate, Language, "UTILITY", "MARKETING", at: recategorised)));
    }

    public TemplatePause Pause { get; }
    public TemplateRecategorisation Recategorisation { get; }

    /// <summary>Makes each change at its time, until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        foreach (var (at, change, webhook) in _steps.OrderBy(s => s.At))
        {
            var wait = at - DateTimeOffset.UtcNow;
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            change();
            _sender.Send(webhook);
        }
    }

    /// <summary>
    /// What GET /api/templates and /api/attention should show once the webhooks were taken: the paused template approved
    /// again, the re-categorised one in its new category and on the attention list (reason <c>template</c>).
    /// </summary>
    public IReadOnlyList<string> Unapplied(JsonElement templates, JsonElement attention, IReadOnlyDictionary<Delivery, DeliveryOutcome> outcomes)
    {
        bool Taken(Delivery delivery) => outcomes.TryGetValue(delivery, out var outcome) && outcome.AcceptedAt is not null;
        JsonElement? Listed(string name) => templates.GetProperty("items").EnumerateArray()
            .Where(t => t.GetProperty("name").GetString() == name && t.GetProperty("language").GetString() == Language)
            .Select(t => (JsonElement?)t).FirstOrDefault();
        var unapplied = new List<string>();
        if (Taken(Pause.Resume) && Listed(Pause.Template)?.GetProperty("status").GetString() != "APPROVED")
        {
            unapplied.Add($"{Pause.Template} not shown APPROVED after its resume was taken");
        }
        if (Taken(Recategorisation.Update))
        {
            if (Listed(Recategorisation.Template)?.GetProperty("category").GetString() != Recategorisation.Category)
            {
                unapplied.Add($"{Recategorisation.Template} not shown as {Recategorisation.Category}");
            }
            if (!attention.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("reason").GetString() == "template"
                && a.TryGetProperty("detail", out var detail) && detail.GetString()?.Contains(Recategorisation.Template, StringComparison.Ordinal) == true))
            {
                unapplied.Add($"{Recategorisation.Template} re-categorised but not on the attention list");
            }
        }
        return unapplied;
    }

    private Delivery Step(DateTimeOffset at, Action change, string name, string body)
    {
        var webhook = new Delivery("", name, body, at);
        _steps.Add((at, change, webhook));
        return webhook;
    }
}
