using System.Buffers.Text;
using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Turtle.Api.Webhooks;
using Turtle.Grains.Calendly;

namespace Turtle.Api.Commands;

/// <summary>
/// <c>./turtle calendly subscribe | status | unsubscribe</c> (SPEC §8): Turtle's webhook subscription at Calendly,
/// organization-wide, made, checked and removed with <c>Calendly:ApiToken</c>.
/// </summary>
internal sealed class CalendlyCommands : ICommandGroup
{
    /// <summary>Everything Turtle's webhook handles.</summary>
    public static readonly IReadOnlyList<string> Events = ["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"];

    private const string OrganizationScope = "organization";

    /// <summary>Random bytes in a new signing key (SPEC: at least 32), written URL-safe base64 without padding.</summary>
    private const int SigningKeyBytes = 32;

    public Command Create()
    {
        var subscribeUrl = UrlOption();
        var subscribe = new Command("subscribe", "Subscribe <url>/webhooks/calendly to Calendly's booking events; prints Calendly:SigningKey=<key>.") { subscribeUrl };
        subscribe.SetAction((parse, cancellation) =>
        {
            var url = WebhookUrl(parse.GetRequiredValue(subscribeUrl));
            return RunAsync(parse, (calendly, output, ct) => SubscribeAsync(calendly, output, url, ct), cancellation);
        });

        var status = new Command("status", "List the organization's webhook subscriptions; exit 1 unless one to Turtle is active.");
        status.SetAction((parse, cancellation) => RunAsync(parse, StatusAsync, cancellation));

        var unsubscribeUrl = UrlOption();
        var unsubscribe = new Command("unsubscribe", "Delete the subscription of <url>/webhooks/calendly; exit 1 if there is none.") { unsubscribeUrl };
        unsubscribe.SetAction((parse, cancellation) =>
        {
            var url = WebhookUrl(parse.GetRequiredValue(unsubscribeUrl));
            return RunAsync(parse, (calendly, output, ct) => UnsubscribeAsync(calendly, output, url, ct), cancellation);
        });

        return new Command("calendly", "Turtle's webhook subscription at Calendly (needs Calendly:ApiToken of an organization owner or admin).")
        {
            subscribe,
            status,
            unsubscribe,
        };
    }

    private static async Task<int> SubscribeAsync(CalendlyClient calendly, TextWriter output, Uri url, CancellationToken cancellationToken)
    {
        var organization = await OrganizationAsync(calendly, output, cancellationToken);
        if (Find(await calendly.ListWebhookSubscriptionsAsync(organization, cancellationToken), url) is { } existing)
        {
            await ExistsAsync(output, url, existing);
            return ExitCodes.Ok;
        }

        var signingKey = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SigningKeyBytes));
        var creation = await calendly.CreateWebhookSubscriptionAsync(
            new CalendlyWebhookSubscriptionRequest(url, Events, organization, OrganizationScope, signingKey), cancellationToken);
        if (creation.Created is not { } created)
        {
            // Calendly has that URL in a scope the organization list does not show (a user's own subscription).
            await output.WriteLineAsync($"Calendly already has a subscription to {url} ({creation.AlreadyExists}).");
            var again = Find(await calendly.ListWebhookSubscriptionsAsync(organization, cancellationToken), url);
            await (again is null
                ? output.WriteLineAsync("It is not an organization-wide one, so its state cannot be shown here. Nothing was created.")
                : ExistsAsync(output, url, again));
            return ExitCodes.Ok;
        }

        await output.WriteLineAsync($"Subscribed {created.CallbackUrl} to {string.Join(", ", created.Events)} (state {created.State}, {created.Uri}).");
        await output.WriteLineAsync("Configure the API with this signing key (Calendly never shows it again), e.g. as Calendly__SigningKey:");
        await output.WriteLineAsync($"{CalendlyOptions.Section}:{nameof(CalendlyOptions.SigningKey)}={signingKey}");
        return ExitCodes.Ok;
    }

    private static async Task<int> StatusAsync(CalendlyClient calendly, TextWriter output, CancellationToken cancellationToken)
    {
        var organization = await OrganizationAsync(calendly, output, cancellationToken);
        var subscriptions = await calendly.ListWebhookSubscriptionsAsync(organization, cancellationToken);
        await output.WriteLineAsync(subscriptions.Count == 0 ? "No organization-wide webhook subscriptions." : "Organization-wide webhook subscriptions:");
        foreach (var subscription in subscriptions)
        {
            await output.WriteLineAsync($"  {subscription.CallbackUrl}{(IsTurtle(subscription.CallbackUrl) ? "  (Turtle)" : "")}");
            await output.WriteLineAsync($"    state             {subscription.State}");
            await output.WriteLineAsync($"    events            {string.Join(", ", subscription.Events)}");
            await output.WriteLineAsync($"    created           {Time(subscription.CreatedAt)}");
            await output.WriteLineAsync($"    retry_started_at  {Time(subscription.RetryStartedAt)}");
        }

        var turtle = subscriptions.Where(s => IsTurtle(s.CallbackUrl)).ToList();
        foreach (var subscription in turtle.Where(s => !s.IsDisabled))
        {
            var missing = Events.Except(subscription.Events, StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                await output.WriteLineAsync($"Note: {subscription.CallbackUrl} does not receive {string.Join(", ", missing)}; unsubscribe and subscribe again to get them.");
            }
        }
        if (turtle.Count == 0)
        {
            await output.WriteLineAsync($"Not in order: no subscription points at Turtle (…{CalendlyWebhookEndpoints.Route}). Run ./turtle calendly subscribe --url <public base url>.");
            return ExitCodes.NotInOrder;
        }
        if (turtle.All(s => s.IsDisabled))
        {
            await output.WriteLineAsync($"Not in order: {turtle[0].CallbackUrl} is disabled: Calendly gave up delivering to it (retrying since {Time(turtle[0].RetryStartedAt)}). "
                + "Once the API answers there, run ./turtle calendly unsubscribe and subscribe again.");
            return ExitCodes.NotInOrder;
        }
        await output.WriteLineAsync($"In order: {turtle.First(s => !s.IsDisabled).CallbackUrl} is active.");
        return ExitCodes.Ok;
    }

    private static async Task<int> UnsubscribeAsync(CalendlyClient calendly, TextWriter output, Uri url, CancellationToken cancellationToken)
    {
        var organization = await OrganizationAsync(calendly, output, cancellationToken);
        if (Find(await calendly.ListWebhookSubscriptionsAsync(organization, cancellationToken), url) is not { } subscription
            || !await calendly.DeleteWebhookSubscriptionAsync(subscription.Uuid, cancellationToken))
        {
            await output.WriteLineAsync($"No subscription to {url} in the organization; nothing deleted (see ./turtle calendly status).");
            return ExitCodes.NotInOrder;
        }
        await output.WriteLineAsync($"Deleted the subscription to {url} ({subscription.Uri}). Calendly sends nothing there any more.");
        return ExitCodes.Ok;
    }

    /// <summary>Runs a verb with a configured client; Calendly's refusals become the operator's message and exit code.</summary>
    private static async Task<int> RunAsync(ParseResult parse, Func<CalendlyClient, TextWriter, CancellationToken, Task<int>> verb, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.StartAsync((services, configuration) => services.AddCalendlyApi(configuration));
        var calendly = host.Services.GetRequiredService<CalendlyClient>();
        if (!calendly.IsConfigured)
        {
            throw new CommandException(ExitCodes.BadUsage,
                $"{CalendlyApiOptions.ApiTokenKey} is required for this command: a personal access token of an organization owner or admin "
                + "(Calendly, Integrations, API & Webhooks), e.g. as the environment variable Calendly__ApiToken.");
        }
        try
        {
            return await verb(calendly, parse.InvocationConfiguration.Output, cancellationToken);
        }
        catch (CalendlyApiException failure)
        {
            // A refused or unauthorized token is configuration to fix; anything else Calendly said is the state of things.
            var exitCode = failure.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? ExitCodes.BadUsage : ExitCodes.NotInOrder;
            throw new CommandException(exitCode, failure.Message);
        }
    }

    private static async Task<Uri> OrganizationAsync(CalendlyClient calendly, TextWriter output, CancellationToken cancellationToken)
    {
        var user = await calendly.GetCurrentUserAsync(cancellationToken);
        await output.WriteLineAsync($"Calendly organization {user.CurrentOrganization} (token of {user.Name ?? user.Email ?? user.Uri.ToString()}).");
        return user.CurrentOrganization;
    }

    private static async Task ExistsAsync(TextWriter output, Uri url, CalendlyWebhookSubscription existing)
    {
        await output.WriteLineAsync($"A subscription to {url} exists already: state {existing.State}, created {Time(existing.CreatedAt)}, events {string.Join(", ", existing.Events)}.");
        await output.WriteLineAsync(existing.IsDisabled
            ? $"It is disabled (Calendly retried since {Time(existing.RetryStartedAt)}). Nothing was created; to start over: ./turtle calendly unsubscribe, then subscribe."
            : "Nothing was created; keep the signing key it was made with.");
    }

    private static Option<string> UrlOption() => new("--url")
    {
        Description = $"The API's public base URL, e.g. https://turtle.example.com; Calendly posts to <url>{CalendlyWebhookEndpoints.Route}.",
        HelpName = "public base url",
        Required = true,
    };

    /// <summary><c>&lt;base&gt;/webhooks/calendly</c>; a base that already ends with the route is taken as it is.</summary>
    private static Uri WebhookUrl(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment))
        {
            throw new CommandException(ExitCodes.BadUsage, $"--url '{baseUrl}' must be the API's public base URL, e.g. https://turtle.example.com.");
        }
        var path = parsed.AbsolutePath.TrimEnd('/');
        return IsTurtle(parsed) ? parsed : new Uri(parsed, path + CalendlyWebhookEndpoints.Route);
    }

    private static CalendlyWebhookSubscription? Find(IEnumerable<CalendlyWebhookSubscription> subscriptions, Uri url) =>
        subscriptions.FirstOrDefault(s => string.Equals(Key(s.CallbackUrl), Key(url), StringComparison.Ordinal));

    private static bool IsTurtle(Uri url) =>
        url.IsAbsoluteUri && url.AbsolutePath.TrimEnd('/').EndsWith(CalendlyWebhookEndpoints.Route, StringComparison.Ordinal);

    /// <summary>Scheme, host (case-insensitive) and port, and the path without a trailing slash.</summary>
    private static string Key(Uri url) =>
        url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) + url.AbsolutePath.TrimEnd('/') : url.OriginalString;

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
