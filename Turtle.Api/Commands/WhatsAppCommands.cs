using System.CommandLine;
using Microsoft.Extensions.Options;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Grains.Templates;

namespace Turtle.Api.Commands;

/// <summary>
/// <c>./turtle whatsapp templates [--create]</c> (SPEC §9): every message kind's template, as configured, and where
/// Meta's review of it stands; with <c>--create</c>, the missing ones submitted in Turtle's default wording. Kinds
/// come from <see cref="MessageTemplates"/>' catalog, so a new kind is listed as soon as it has a default template.
/// </summary>
internal sealed class WhatsAppCommands : ICommandGroup
{
    private const string BusinessAccountKey = WhatsAppOptions.Section + ":" + nameof(WhatsAppOptions.BusinessAccountId);
    private const string AccessTokenKey = WhatsAppOptions.Section + ":" + nameof(WhatsAppOptions.AccessToken);

    /// <summary>SPEC §3: kinds listed here are never sent, so their templates are not needed.</summary>
    private const string DisabledKindsKey = "Notifications:DisabledKinds";

    public Command Create()
    {
        var create = new Option<bool>("--create")
        {
            Description = "Submit the missing templates (category UTILITY, Turtle's default English wording with examples) and print what was submitted.",
        };
        var templates = new Command("templates", "List every message kind's template, its status and category at Meta and the intended category; exit 1 unless all are approved as intended.") { create };
        templates.SetAction((parse, cancellation) => RunAsync(parse, parse.GetValue(create), cancellation));
        return new Command("whatsapp", $"Turtle's WhatsApp message templates at Meta (needs {AccessTokenKey} and {BusinessAccountKey}).") { templates };
    }

    private static async Task<int> RunAsync(ParseResult parse, bool create, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.StartAsync((services, configuration) => services.AddMessageTemplateManagement(configuration));
        var options = host.Services.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
        if (options.IsDryRun)
        {
            throw new CommandException(ExitCodes.BadUsage,
                $"{AccessTokenKey} is required for this command: a system user's token with the whatsapp_business_management permission, e.g. as WhatsApp__AccessToken.");
        }
        if (string.IsNullOrWhiteSpace(options.BusinessAccountId))
        {
            throw new CommandException(ExitCodes.BadUsage,
                $"{BusinessAccountKey} is required for this command: the WhatsApp Business Account id (WhatsApp Manager, Account tools), e.g. as WhatsApp__BusinessAccountId.");
        }
        var disabled = host.Configuration.GetSection(DisabledKindsKey).Get<string[]>() ?? [];
        var kinds = MessageTemplates.All.Where(t => !disabled.Contains(t.Kind.ToString(), StringComparer.OrdinalIgnoreCase)).ToList();
        var output = parse.InvocationConfiguration.Output;
        try
        {
            var review = new TemplateReview(host.Services.GetRequiredService<MessageTemplateClient>(), options, output);
            return await review.RunAsync(kinds, create, cancellationToken);
        }
        catch (MetaApiException failure)
        {
            if (failure.IsTokenRefused)
            {
                throw new CommandException(ExitCodes.BadUsage, $"Meta refused {AccessTokenKey}: {failure.Message}");
            }
            if (failure.Code == MetaErrorCodes.InvalidParameter && failure.Message.Contains("does not exist", StringComparison.Ordinal))
            {
                throw new CommandException(ExitCodes.BadUsage, $"Meta knows no WhatsApp Business Account {options.BusinessAccountId} for this token ({BusinessAccountKey}): {failure.Message}");
            }
            throw new CommandException(ExitCodes.NotInOrder, failure.Message);
        }
    }

    /// <summary>One run of the verb: each kind's line, then the submissions, then the verdict.</summary>
    private sealed class TemplateReview(MessageTemplateClient meta, WhatsAppOptions options, TextWriter output)
    {
        public async Task<int> RunAsync(IReadOnlyList<MessageTemplate> kinds, bool create, CancellationToken cancellationToken)
        {
            await output.WriteLineAsync($"WhatsApp Business Account {options.BusinessAccountId}, Graph API {options.ApiVersion}:");
            var rows = new List<(MessageTemplate Standard, WhatsAppTemplateOptions Configured, string Language, MetaTemplate? AtMeta)>();
            foreach (var standard in kinds)
            {
                var configured = options.TemplateFor(standard.Kind);
                var held = await meta.ListAsync(configured.Name!, cancellationToken);
                // A client's kinds exist in every language of WhatsApp:Languages (SPEC §15); an advisor's in its configured one.
                var languages = MessageKinds.Of(standard.Kind).Audience == Audience.Client
                    ? options.Languages.Prepend(configured.Language!).Distinct(StringComparer.OrdinalIgnoreCase)
                    : [configured.Language!];
                foreach (var language in languages)
                {
                    rows.Add((standard, configured, language, held.FirstOrDefault(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase))));
                }
            }
            var kindWidth = rows.Max(r => r.Standard.Kind.ToString().Length);
            var nameWidth = rows.Max(r => r.Configured.Name!.Length + r.Language.Length + 3);
            var statusWidth = rows.Max(r => Status(r.AtMeta).Length);
            foreach (var (standard, configured, language, atMeta) in rows)
            {
                var template = $"{configured.Name} ({language})";
                var category = atMeta is null ? "" : $"  category {atMeta.Category ?? "-"}, intended {standard.IntendedCategory}{(IsMiscategorised(atMeta, standard) ? "  MISMATCH" : "")}";
                await output.WriteLineAsync($"  {standard.Kind.ToString().PadRight(kindWidth)}  {template.PadRight(nameWidth)}  {Status(atMeta).PadRight(statusWidth)}{category}".TrimEnd());
            }

            var approved = rows.Count(r => r.AtMeta?.Status == MetaTemplate.Approved);
            var miscategorised = rows.Where(r => r.AtMeta is { } found && IsMiscategorised(found, r.Standard)).Select(r => r.AtMeta!).ToList();
            if (create)
            {
                foreach (var (standard, configured, language, _) in rows.Where(r => r.AtMeta is null))
                {
                    var created = await SubmitAsync(standard, configured, language, cancellationToken);
                    approved += created?.Status == MetaTemplate.Approved ? 1 : 0;
                    if (created?.Category is { } category && category != standard.IntendedCategory)
                    {
                        miscategorised.Add(new MetaTemplate(configured.Name!, language, created.Status ?? "PENDING", category, created.Id, null));
                    }
                }
            }
            return await VerdictAsync(rows.Count, approved, miscategorised, create, rows.Any(r => r.AtMeta is null));
        }

        /// <summary>Submits one kind's default wording; Meta's answer, or null when Turtle's wording could not be submitted.</summary>
        private async Task<MetaTemplateCreated?> SubmitAsync(MessageTemplate standard, WhatsAppTemplateOptions configured, string language, CancellationToken cancellationToken)
        {
            var (submission, refusal) = TemplateSubmission.For(standard, configured, language);
            if (submission is null)
            {
                await output.WriteLineAsync($"Not submitted: {configured.Name} ({language}) for {standard.Kind}: {refusal}");
                return null;
            }
            await output.WriteLineAsync($"Submitting {submission.Name} ({submission.Language}) for {standard.Kind}, category {submission.Category}:");
            await output.WriteLineAsync($"  {MessageTemplateClient.Json(submission)}");
            var created = await meta.CreateAsync(submission, cancellationToken);
            await output.WriteLineAsync($"  Meta: {created.Status ?? "submitted"} (template id {created.Id ?? "-"}, category {created.Category ?? "-"})");
            return created;
        }

        private async Task<int> VerdictAsync(int kinds, int approved, List<MetaTemplate> miscategorised, bool created, bool missing)
        {
            if (approved == kinds && miscategorised.Count == 0)
            {
                await output.WriteLineAsync($"In order: all {kinds} templates are approved in their intended category ({TemplateCategories.Intended}).");
                return ExitCodes.Ok;
            }
            if (approved < kinds)
            {
                var hint = missing && !created
                    ? " Run ./turtle whatsapp templates --create to submit the missing ones."
                    : " Meta reviews submissions within minutes to a day; run ./turtle whatsapp templates again to see. A rejected template is edited in WhatsApp Manager.";
                await output.WriteLineAsync($"Not in order: {kinds - approved} of {kinds} templates are not approved.{hint}");
            }
            if (miscategorised.Count > 0)
            {
                // Since April 2025 Meta re-categorises templates itself; a marketing template is capped per client,
                // refused to clients who stopped marketing messages and not delivered to +1 numbers.
                var names = string.Join(", ", miscategorised.Select(t => $"{t.Name} ({t.Language}) is {t.Category}"));
                await output.WriteLineAsync($"Not in order: {miscategorised.Count} of {kinds} templates are not in their intended category {TemplateCategories.Intended}: {names}. "
                    + "Word them purely about the client's booking and submit them as UTILITY under a new name, or appeal the category in WhatsApp Manager.");
            }
            return ExitCodes.NotInOrder;
        }

        private static bool IsMiscategorised(MetaTemplate atMeta, MessageTemplate standard) =>
            atMeta.Category is { } category && !string.Equals(category, standard.IntendedCategory, StringComparison.OrdinalIgnoreCase);

        private static string Status(MetaTemplate? atMeta) => atMeta switch
        {
            null => "missing",
            { Status: MetaTemplate.Rejected, RejectedReason: { Length: > 0 } reason } when reason != "NONE" => $"{MetaTemplate.Rejected} ({reason})",
            _ => atMeta.Status,
        };
    }
}
