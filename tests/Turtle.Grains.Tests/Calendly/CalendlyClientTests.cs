using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Turtle.Grains.Calendly;
using Turtle.Grains.Tests.Messaging;
using Turtle.Testing.Calendly;

namespace Turtle.Grains.Tests.Calendly;

/// <summary><see cref="CalendlyClient"/> against the fake Calendly API over real HTTP, through the same registration the hosts use.</summary>
public sealed class CalendlyClientTests : IAsyncLifetime
{
    private readonly FakeCalendlyApi _calendly = new();
    private readonly CapturingLoggerProvider _logs = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _calendly.StartAsync();
        _services = Services(_calendly.ApiToken);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _calendly.DisposeAsync();
    }

    [Fact]
    public async Task CurrentUserNamesTheOrganization()
    {
        var user = await Client().GetCurrentUserAsync();

        Assert.Equal(_calendly.UserUri, user.Uri);
        Assert.Equal(_calendly.OrganizationUri, user.CurrentOrganization);
        Assert.Equal(FakeCalendlyApi.UserEmail, user.Email);
        var request = Assert.Single(_calendly.Requests);
        Assert.Equal("/users/me", request.Path);
        Assert.True(request.Authorized);
    }

    [Fact]
    public async Task ScheduledEventsAreReadAcrossEveryPageInStartOrder()
    {
        var start = DateTimeOffset.UtcNow.AddDays(1);
        var seeded = Enumerable.Range(0, 45).Select(i => _calendly.SeedEvent(start.AddHours(i))).ToList();

        var events = await Client().ListScheduledEventsAsync(new CalendlyEventQuery(_calendly.OrganizationUri, PageSize: 20)).ToListAsync();

        Assert.Equal(seeded, events.Select(e => e.Uuid));
        var pages = _calendly.Requests.Where(r => r.Path == "/scheduled_events").ToList();
        Assert.Equal(3, pages.Count);
        Assert.DoesNotContain("page_token", pages[0].Query, StringComparison.Ordinal);
        Assert.All(pages.Skip(1), p => Assert.Contains("page_token=", p.Query, StringComparison.Ordinal));
        Assert.All(pages, p => Assert.Contains("count=20", p.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EventFiltersReachCalendlyAndEveryFieldReconciliationNeedsIsRead()
    {
        var now = DateTimeOffset.UtcNow;
        var inside = _calendly.SeedEvent(now.AddDays(2), TimeSpan.FromMinutes(45), hostEmail: "ravi@turtle.example", hostName: "Ravi Kumar");
        _calendly.SeedEvent(now.AddDays(90));
        _calendly.SeedEvent(now.AddDays(-1));
        var cancelled = _calendly.SeedEvent(now.AddDays(3));
        _calendly.SeedInvitee(cancelled);
        _calendly.CancelEvent(cancelled);

        var active = await Client().ListScheduledEventsAsync(new CalendlyEventQuery(_calendly.OrganizationUri, now, now.AddDays(60), "active")).ToListAsync();

        var found = Assert.Single(active);
        Assert.Equal(inside, found.Uuid);
        Assert.Equal("active", found.Status);
        Assert.Equal("Financial planning consultation", found.Name);
        Assert.Equal(TimeSpan.FromMinutes(45), found.EndTime - found.StartTime);
        Assert.Equal("google_conference", found.Location?.Type);
        Assert.Equal("https://meet.google.com/abc-defg-hij", found.Location?.JoinUrl);
        var host = Assert.Single(found.EventMemberships!);
        Assert.Equal("ravi@turtle.example", host.UserEmail);
        Assert.Equal("Ravi Kumar", host.UserName);
        var query = Assert.Single(_calendly.Requests, r => r.Path == "/scheduled_events").Query;
        Assert.Contains("status=active", query, StringComparison.Ordinal);
        Assert.Contains("organization=" + Uri.EscapeDataString(_calendly.OrganizationUri.ToString()), query, StringComparison.Ordinal);
        Assert.Matches(@"min_start_time=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{6}Z", query);

        var canceled = await Client().ListScheduledEventsAsync(new CalendlyEventQuery(_calendly.OrganizationUri, now, now.AddDays(60), "canceled")).ToListAsync();
        var gone = Assert.Single(canceled);
        Assert.Equal(cancelled, gone.Uuid);
        Assert.Equal("Something came up", gone.Cancellation?.Reason);
    }

    [Fact]
    public async Task InviteesAreReadAcrossPagesWithWhatABookingNeeds()
    {
        var eventUuid = _calendly.SeedEvent(DateTimeOffset.UtcNow.AddDays(1));
        var first = _calendly.SeedInvitee(eventUuid, "Asha Rao", "asha@example.com", "+91 98765 43210",
            answers: [new("What is your WhatsApp number?", "+91 98765 00000")]);
        var others = Enumerable.Range(0, 4).Select(i => _calendly.SeedInvitee(eventUuid, $"Client {i}")).ToList();

        var invitees = await Client().ListInviteesAsync(eventUuid, pageSize: 2).ToListAsync();

        Assert.Equal([first, .. others], invitees.Select(i => i.Uuid));
        Assert.Equal(3, _calendly.Requests.Count(r => r.Path.EndsWith("/invitees", StringComparison.Ordinal)));
        var asha = invitees[0];
        Assert.Equal("asha@example.com", asha.Email);
        Assert.Equal("Asha Rao", asha.Name);
        Assert.Equal("Asha", asha.FirstName);
        Assert.Equal("Rao", asha.LastName);
        Assert.Equal("active", asha.Status);
        Assert.Equal("Asia/Kolkata", asha.Timezone);
        Assert.Equal("+91 98765 43210", asha.TextReminderNumber);
        var answer = Assert.Single(asha.QuestionsAndAnswers!);
        Assert.Equal(("What is your WhatsApp number?", "+91 98765 00000", 0), (answer.Question, answer.Answer, answer.Position));
        Assert.Equal(new Uri($"https://calendly.com/cancellations/{first}"), asha.CancelUrl);
        Assert.Equal(new Uri($"https://calendly.com/reschedulings/{first}"), asha.RescheduleUrl);
        Assert.Null(asha.OldInvitee);
        Assert.False(asha.Rescheduled);
        Assert.Null(asha.Cancellation);
        Assert.True(asha.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task CancelledInviteesCarryTheCancellation()
    {
        var eventUuid = _calendly.SeedEvent(DateTimeOffset.UtcNow.AddDays(1));
        var invitee = _calendly.SeedInvitee(eventUuid);
        _calendly.CancelEvent(eventUuid, "Moved abroad", "host");

        var canceled = Assert.Single(await Client().ListInviteesAsync(eventUuid, "canceled").ToListAsync());

        Assert.Equal(invitee, canceled.Uuid);
        Assert.Equal("canceled", canceled.Status);
        Assert.Equal(("Moved abroad", "host"), (canceled.Cancellation?.Reason, canceled.Cancellation?.CancelerType));
        Assert.NotNull(canceled.Cancellation?.CreatedAt);
        Assert.Empty(await Client().ListInviteesAsync(eventUuid, "active").ToListAsync());
    }

    [Fact]
    public async Task RateLimitInTheMiddleOfPagingIsRetriedAfterRetryAfter()
    {
        var start = DateTimeOffset.UtcNow.AddDays(1);
        var seeded = Enumerable.Range(0, 5).Select(i => _calendly.SeedEvent(start.AddHours(i))).ToList();
        var client = Client();
        var read = new List<string>();
        var clock = new Stopwatch();

        await foreach (var scheduled in client.ListScheduledEventsAsync(new CalendlyEventQuery(_calendly.OrganizationUri, PageSize: 2)))
        {
            read.Add(scheduled.Uuid);
            if (read.Count == 2)
            {
                // The next page's request meets a rate limit asking for a one-second wait.
                _calendly.FailNext(1, 429, TimeSpan.FromSeconds(1));
                clock.Start();
            }
        }

        Assert.Equal(seeded, read);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before Retry-After");
        var statuses = _calendly.Requests.Select(r => r.StatusCode).ToList();
        Assert.Equal([200, 429, 200, 200], statuses);
    }

    [Fact]
    public async Task ServerErrorsAreRetriedWithBackoffUntilCalendlyAnswers()
    {
        _calendly.FailNext(2, 500);

        var user = await Client().GetCurrentUserAsync();

        Assert.Equal(_calendly.OrganizationUri, user.CurrentOrganization);
        Assert.Equal([500, 500, 200], _calendly.Requests.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task RetriesAreBoundedAndTheLastAnswerIsReported()
    {
        _calendly.FailNext(20, 503);

        var failure = await Assert.ThrowsAsync<CalendlyApiException>(() => Client().GetCurrentUserAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Equal(1 + 3, _calendly.Requests.Count);
        Assert.Contains("HTTP 503", failure.Message, StringComparison.Ordinal);
        Assert.Contains("/users/me", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedTokenIsReportedOnceNamingTheKey()
    {
        await using var services = Services("not-the-token");
        var client = services.GetRequiredService<CalendlyClient>();

        var failure = await Assert.ThrowsAsync<CalendlyApiException>(() => client.GetCurrentUserAsync());

        Assert.True(failure.IsTokenRejected);
        Assert.Equal(("Unauthenticated", "The access token is invalid"), (failure.Error?.Title, failure.Error?.Message));
        Assert.Contains("Calendly:ApiToken", failure.Message, StringComparison.Ordinal);
        Assert.Contains("The access token is invalid", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", failure.Message, StringComparison.Ordinal);
        Assert.Single(_calendly.Requests);
    }

    [Fact]
    public async Task TokenNeverAppearsInLogsNorErrors()
    {
        _calendly.FailNext(1, 429, TimeSpan.FromMilliseconds(100));
        _calendly.FailNext(1, 500);
        var client = Client();
        await client.GetCurrentUserAsync();
        await client.ListWebhookSubscriptionsAsync(_calendly.OrganizationUri);
        await client.CreateWebhookSubscriptionAsync(Subscription("https://turtle.example.com/webhooks/calendly"));
        await client.CreateWebhookSubscriptionAsync(Subscription("https://turtle.example.com/webhooks/calendly"));
        _calendly.FailNext(10, 500);
        var failure = await Assert.ThrowsAsync<CalendlyApiException>(() => client.GetCurrentUserAsync());

        Assert.NotEmpty(_logs.Entries);
        Assert.Contains(_logs.Entries, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) && e.Level == LogLevel.Trace);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains(_calendly.ApiToken, StringComparison.Ordinal));
        Assert.DoesNotContain(_calendly.ApiToken, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscriptionsAreCreatedListedAcrossPagesAndDeleted()
    {
        for (var i = 0; i < 105; i++)
        {
            _calendly.SeedSubscription($"https://other-{i}.example.com/hook");
        }
        var client = Client();

        var creation = await client.CreateWebhookSubscriptionAsync(Subscription("https://turtle.example.com/webhooks/calendly"));
        var listed = await client.ListWebhookSubscriptionsAsync(_calendly.OrganizationUri);

        var created = Assert.IsType<CalendlyWebhookSubscription>(creation.Created);
        Assert.False(creation.IsDuplicate);
        Assert.Equal(CalendlyWebhookSubscription.Active, created.State);
        Assert.Equal(["invitee.created", "invitee.canceled"], created.Events);
        Assert.Equal(106, listed.Count);
        Assert.Contains(listed, s => s.Uri == created.Uri && s.CallbackUrl == new Uri("https://turtle.example.com/webhooks/calendly"));
        Assert.Equal(2, _calendly.Requests.Count(r => r.Method == "GET" && r.Path == "/webhook_subscriptions"));
        Assert.All(_calendly.Requests.Where(r => r.Path == "/webhook_subscriptions" && r.Method == "GET"),
            r => Assert.Contains("scope=organization", r.Query, StringComparison.Ordinal));

        Assert.True(await client.DeleteWebhookSubscriptionAsync(created.Uuid));
        Assert.False(await client.DeleteWebhookSubscriptionAsync(created.Uuid));
        Assert.DoesNotContain(_calendly.Subscriptions, s => s.Uuid == created.Uuid);
    }

    [Fact]
    public async Task DuplicateUrlComesBackAsAlreadyExists()
    {
        var client = Client();
        await client.CreateWebhookSubscriptionAsync(Subscription("https://turtle.example.com/webhooks/calendly"));

        var again = await client.CreateWebhookSubscriptionAsync(Subscription("https://turtle.example.com/webhooks/calendly"));

        Assert.True(again.IsDuplicate);
        Assert.Null(again.Created);
        Assert.Equal(("Already Exists", "Hook with this url already exists"), (again.AlreadyExists?.Title, again.AlreadyExists?.Message));
        Assert.Single(_calendly.Subscriptions);
    }

    [Fact]
    public async Task InvalidArgumentsAreReportedWithCalendlysDetails()
    {
        var failure = await Assert.ThrowsAsync<CalendlyApiException>(() =>
            Client().CreateWebhookSubscriptionAsync(Subscription("https://turtle.example.com/webhooks/calendly") with { Events = ["meeting.happened"] }));

        Assert.Equal(HttpStatusCode.BadRequest, failure.StatusCode);
        Assert.Equal("Invalid Argument", failure.Error?.Title);
        Assert.Contains(failure.Error!.Details!, d => d.Parameter == "events");
        Assert.Contains("events", failure.Message, StringComparison.Ordinal);
        Assert.Single(_calendly.Requests);
    }

    [Fact]
    public async Task WithoutATokenTheClientIsNotConfiguredAndSendsNothing()
    {
        await using var services = Services(token: null);
        var client = services.GetRequiredService<CalendlyClient>();

        Assert.False(client.IsConfigured);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetCurrentUserAsync());
        Assert.Contains("Calendly:ApiToken", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_calendly.Requests);
    }

    [Theory]
    [InlineData("Calendly:ApiBaseUrl", "api.calendly.com", "Calendly:ApiBaseUrl")]
    [InlineData("Calendly:ApiToken", "token with spaces", "Calendly:ApiToken")]
    [InlineData("Calendly:MaxRetryAttempts", "-1", "Calendly:MaxRetryAttempts")]
    public void BadSettingsAreRefusedNamingTheKey(string key, string value, string named)
    {
        using var services = new ServiceCollection()
            .AddCalendlyApi(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build())
            .BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CalendlyApiOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.Contains(named, StringComparison.Ordinal));
        Assert.DoesNotContain("token with spaces", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultsPointAtCalendly()
    {
        using var services = new ServiceCollection().AddCalendlyApi(new ConfigurationBuilder().Build()).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<CalendlyApiOptions>>().Value;

        Assert.Equal("https://api.calendly.com", options.ApiBaseUrl);
        Assert.False(options.IsConfigured);
    }

    private CalendlyClient Client() => _services.GetRequiredService<CalendlyClient>();

    private CalendlyWebhookSubscriptionRequest Subscription(string url) =>
        new(new Uri(url), ["invitee.created", "invitee.canceled"], _calendly.OrganizationUri, "organization", "test-signing-key-0123456789abcdef");

    private ServiceProvider Services(string? token)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Calendly:ApiToken"] = token,
            ["Calendly:ApiBaseUrl"] = _calendly.BaseUrl.ToString(),
            ["Calendly:RetryBaseDelay"] = "00:00:00.050",
            ["Calendly:MaxRetryAttempts"] = "3",
        }).Build();
        return new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs))
            .AddCalendlyApi(configuration)
            .BuildServiceProvider();
    }
}
