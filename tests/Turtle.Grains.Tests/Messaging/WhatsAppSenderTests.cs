using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Messaging;

public sealed class FakeWhatsAppFixture : IAsyncLifetime
{
    public FakeWhatsAppApi Api { get; } = new();

    public Task InitializeAsync() => Api.StartAsync();

    public Task DisposeAsync() => Api.DisposeAsync().AsTask();
}

public sealed class WhatsAppSenderTests(FakeWhatsAppFixture fixture) : IClassFixture<FakeWhatsAppFixture>, IDisposable
{
    private static readonly Advisor Ravi = new() { Email = "ravi@example.com", Name = "Ravi Kumar", Bio = "Twenty years of planning.", Title = "CFP" };
    private static int _numberSeed = 1000;

    private readonly FakeWhatsAppApi _api = fixture.Api;
    private readonly CapturingLoggerProvider _logs = new();
    private readonly string _outbox = Path.Combine(Path.GetTempPath(), $"turtle-outbox-{Guid.NewGuid():N}", "outbox.jsonl");

    [Fact]
    public async Task AcceptedMessageReturnsMetaIdAndSendsTheRenderedTemplate()
    {
        var phone = NewPhone();
        var outcome = await Send(phone, NotificationKind.Confirmation);

        Assert.Equal(SendResult.Sent, outcome.Result);
        var request = Assert.Single(_api.Requests, r => r.To == Digits(phone));
        Assert.StartsWith("wamid.", outcome.MessageId, StringComparison.Ordinal);
        Assert.Equal(request.MessageId, outcome.MessageId);
        Assert.Equal("turtle_booking_confirmation", request.TemplateName);
        Assert.Equal("en", request.Language);
        Assert.Equal(["Asha Mehta", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)", "Ravi Kumar"], request.Parameters);
        Assert.Equal("appt-1:Confirmation", request.BizOpaqueCallbackData);
    }

    [Fact]
    public async Task RequestBodyIsExactlyMetasTemplateShape()
    {
        var phone = NewPhone();
        await Send(phone, NotificationKind.Reminder);

        var raw = Assert.Single(_api.Requests, r => r.To == Digits(phone)).RawBody;
        using var body = JsonDocument.Parse(raw);
        Assert.Equal(
            ["messaging_product", "recipient_type", "to", "type", "template", "biz_opaque_callback_data"],
            body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("individual", body.RootElement.GetProperty("recipient_type").GetString());
        var component = Assert.Single(body.RootElement.GetProperty("template").GetProperty("components").EnumerateArray());
        Assert.Equal("body", component.GetProperty("type").GetString());
        Assert.All(component.GetProperty("parameters").EnumerateArray(), p => Assert.Equal("text", p.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task ReconfirmCarriesOneQuickReplyPayloadPerButtonNamingTheBooking()
    {
        var phone = NewPhone();
        var outcome = await Send(phone, NotificationKind.Reconfirm);

        Assert.Equal(SendResult.Sent, outcome.Result);
        var request = Assert.Single(_api.Requests, r => r.To == Digits(phone));
        Assert.Equal("turtle_attendance_check", request.TemplateName);
        Assert.Equal(["appt-1:attend", "appt-1:decline", "appt-1:cancel"], request.ButtonPayloads);
        using var body = JsonDocument.Parse(request.RawBody);
        var buttons = body.RootElement.GetProperty("template").GetProperty("components").EnumerateArray().Where(c => c.GetProperty("type").GetString() == "button").ToList();
        Assert.Equal(
            ["""{"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"appt-1:attend"}]}""",
             """{"type":"button","sub_type":"quick_reply","index":"1","parameters":[{"type":"payload","payload":"appt-1:decline"}]}""",
             """{"type":"button","sub_type":"quick_reply","index":"2","parameters":[{"type":"payload","payload":"appt-1:cancel"}]}"""],
            buttons.Select(b => b.GetRawText()));
    }

    [Fact]
    public async Task DryRunOfReconfirmShowsItsButtonsInTheOutbox()
    {
        await Send(NewPhone(), NotificationKind.Reconfirm, token: null);

        using var entry = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(_outbox)));
        Assert.Equal(["appt-1:attend", "appt-1:decline", "appt-1:cancel"], entry.RootElement.GetProperty("buttons").EnumerateArray().Select(b => b.GetString()));
        Assert.StartsWith("Hello Asha Mehta, will you attend your meeting on", entry.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoShowLinksTheFirmsBookingPageWhenConfigured()
    {
        var phone = NewPhone();
        using var provider = Provider(FakeWhatsAppApi.DefaultAccessToken, extra: new() { ["Calendly:BookingUrl"] = "https://calendly.com/the-firm" });
        var booking = TemplateRendererTests.Booking() with { Phone = phone };

        await provider.GetRequiredService<IWhatsAppSender>().SendAsync(new OutgoingMessage("appt-1", NotificationKind.NoShow, booking, Ravi), CancellationToken.None);

        Assert.Equal(["Asha Mehta", "Ravi Kumar", "https://calendly.com/the-firm"], Assert.Single(_api.Requests, r => r.To == Digits(phone)).Parameters);
    }

    [Fact]
    public async Task NewlinesInABioNeverReachMeta()
    {
        var phone = NewPhone();
        var advisor = Ravi with { Bio = "Line one.\nLine two.\tTabbed.      Spaced." };
        var outcome = await Send(phone, NotificationKind.AdvisorBio, advisor: advisor);

        Assert.Equal(SendResult.Sent, outcome.Result);
        var request = Assert.Single(_api.Requests, r => r.To == Digits(phone));
        Assert.Equal("Line one. Line two. Tabbed. Spaced.", request.Parameters[2]);
    }

    [Fact]
    public async Task UndeliverableIsPermanentWithMetasCodeAndText()
    {
        var phone = NewPhone();
        _api.FailNext(phone, WhatsAppFault.Undeliverable);

        var outcome = await Send(phone, NotificationKind.Confirmation);

        Assert.Equal(SendResult.Permanent, outcome.Result);
        Assert.Equal(131026, outcome.ErrorCode);
        Assert.Equal("(#131026) Message undeliverable: Message Undeliverable.", outcome.ErrorText);
        Assert.StartsWith("131026: ", outcome.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(132001)]
    [InlineData(132000)]
    [InlineData(100)]
    public async Task OtherClientErrorsArePermanent(int code)
    {
        var phone = NewPhone();
        _api.FailNext(phone, 1, 400, code, $"(#{code}) refused");

        var outcome = await Send(phone, NotificationKind.Confirmation);

        Assert.Equal(SendResult.Permanent, outcome.Result);
        Assert.Equal(code, outcome.ErrorCode);
    }

    [Fact]
    public async Task ServerErrorIsTransient()
    {
        var phone = NewPhone();
        _api.FailNext(phone, WhatsAppFault.ServerError);

        var outcome = await Send(phone, NotificationKind.Confirmation);

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.Equal("An unknown error occurred", outcome.ErrorText);
    }

    [Fact]
    public async Task RateLimitIsTransientAndCarriesRetryAfter()
    {
        var phone = NewPhone();
        _api.FailNext(phone, WhatsAppFault.RateLimited with { RetryAfter = TimeSpan.FromSeconds(7) });

        var outcome = await Send(phone, NotificationKind.Confirmation);

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.Equal(130429, outcome.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
    }

    [Theory]
    [InlineData(131056)]
    [InlineData(131000)]
    [InlineData(4)]
    [InlineData(80007)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(341)]
    [InlineData(368)]
    [InlineData(131016)]
    [InlineData(132015)]
    public async Task RetryableMetaCodesAreTransientDespiteA400(int code)
    {
        var phone = NewPhone();
        _api.FailNext(phone, 1, 400, code, $"(#{code}) try later");

        var outcome = await Send(phone, NotificationKind.Confirmation);

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.Equal(code, outcome.ErrorCode);
        Assert.Null(outcome.RetryAfter);
    }

    [Fact]
    public async Task FaultsAreConsumedThenTheNumberSucceeds()
    {
        var phone = NewPhone();
        _api.FailNext(phone, WhatsAppFault.ServerError, WhatsAppFault.PairRateLimited);

        Assert.Equal(SendResult.Transient, (await Send(phone, NotificationKind.Confirmation)).Result);
        Assert.Equal(SendResult.Transient, (await Send(phone, NotificationKind.Confirmation)).Result);
        Assert.Equal(SendResult.Sent, (await Send(phone, NotificationKind.Confirmation)).Result);
    }

    [Fact]
    public async Task RefusedTokenHoldsTheMessageAndAlertsTheOperator()
    {
        var phone = NewPhone();
        var outcome = await Send(phone, NotificationKind.Confirmation, token: "expired-token");

        Assert.Equal(SendResult.TokenRefused, outcome.Result);
        Assert.Equal(190, outcome.ErrorCode);
        var alert = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains("WhatsApp:AccessToken", alert.Message, StringComparison.Ordinal);
        AssertNoSecretsLogged(phone, "expired-token");
    }

    public static TheoryData<string> AccountRefusals => ["AuthException", "PermissionDenied", "AccountLocked", "PaymentIssue", "NumberNotRegistered"];

    [Theory]
    [MemberData(nameof(AccountRefusals))]
    public async Task AccountLevelRefusalsHoldTheMessageInsteadOfFailingIt(string refusal)
    {
        var fault = (WhatsAppFault)typeof(WhatsAppFault).GetProperty(refusal)!.GetValue(null)!;
        var phone = NewPhone();
        _api.FailNext(phone, fault);

        var outcome = await Send(phone, NotificationKind.Reminder);

        Assert.Equal(SendResult.TokenRefused, outcome.Result);
        Assert.Equal(fault.MetaCode, outcome.ErrorCode);
        var alert = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains($"error {fault.MetaCode}", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCodeAnsweredWith401HoldsTheMessage()
    {
        var phone = NewPhone();
        _api.FailNext(phone, 1, 401, 100, "(#100) Invalid OAuth 2.0 Access Token");

        Assert.Equal(SendResult.TokenRefused, (await Send(phone, NotificationKind.Confirmation)).Result);
    }

    [Theory]
    [InlineData(131050, "stopped marketing messages")]
    [InlineData(131049, "per-user limit on marketing messages")]
    public async Task MarketingRefusalsArePermanentAndSayWhatToChange(int code, string meaning)
    {
        var phone = NewPhone();
        _api.FailNext(phone, code == 131050 ? WhatsAppFault.MarketingStopped : WhatsAppFault.EcosystemEngagement);

        var outcome = await Send(phone, NotificationKind.Reminder);

        Assert.Equal(SendResult.Permanent, outcome.Result);
        Assert.Equal(code, outcome.ErrorCode);
        Assert.Contains(meaning, outcome.ErrorText, StringComparison.Ordinal);
        Assert.Contains("Utility", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptanceIsReadWholeWaIdAndQualityHold()
    {
        var phone = NewPhone();
        _api.KnowAs(phone, "5511988887777");
        _api.HoldForQuality(phone);

        var outcome = await Send(phone, NotificationKind.Confirmation);

        Assert.Equal(SendResult.Sent, outcome.Result);
        Assert.Equal("5511988887777", outcome.WaId);
        Assert.Equal("held_for_quality_assessment", outcome.MessageStatus);
    }

    [Fact]
    public async Task PlainAcceptanceHasNoStatusToShow()
    {
        var phone = NewPhone();

        var outcome = await Send(phone, NotificationKind.Confirmation);

        Assert.Null(outcome.MessageStatus);
        Assert.Equal(Digits(phone), outcome.WaId);
    }

    [Fact]
    public async Task WrongPhoneNumberIdIsPermanent()
    {
        var outcome = await Send(NewPhone(), NotificationKind.Confirmation, phoneNumberId: "999");

        Assert.Equal(SendResult.Permanent, outcome.Result);
        Assert.Equal(100, outcome.ErrorCode);
    }

    [Fact]
    public async Task UnreachableApiIsTransient()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var outcome = await Send(NewPhone(), NotificationKind.Confirmation, baseUrl: $"http://127.0.0.1:{closedPort}");

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.Null(outcome.ErrorCode);
    }

    [Fact]
    public async Task SlowApiTimesOutAsUnansweredNotAsARefusal()
    {
        var phone = NewPhone();
        _api.FailNext(phone, WhatsAppFault.Slow(TimeSpan.FromSeconds(5)));

        var outcome = await Send(phone, NotificationKind.Confirmation, timeout: TimeSpan.FromMilliseconds(300));

        // Meta may have taken it: the message stays claimed and waits for its status (SPEC §6).
        Assert.Equal(SendResult.Unanswered, outcome.Result);
        Assert.Contains("did not answer", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsNeverHoldTheFullNumberOrToken()
    {
        var phone = NewPhone();
        _api.FailNext(phone, WhatsAppFault.Undeliverable, WhatsAppFault.ServerError);
        await Send(phone, NotificationKind.Confirmation);
        await Send(phone, NotificationKind.Confirmation);
        await Send(phone, NotificationKind.Confirmation);

        Assert.Contains(_logs.Entries, e => e.Message.Contains(PhoneMask.Mask(phone), StringComparison.Ordinal));
        AssertNoSecretsLogged(phone, FakeWhatsAppApi.DefaultAccessToken);
    }

    [Fact]
    public async Task DryRunWritesTheOutboxAndMakesNoHttpCall()
    {
        var phone = NewPhone();
        var outcome = await Send(phone, NotificationKind.Reminder, token: null);

        Assert.Equal(SendResult.DryRun, outcome.Result);
        Assert.Null(outcome.MessageId);
        Assert.DoesNotContain(_api.Requests, r => r.To == Digits(phone));

        var line = Assert.Single(await File.ReadAllLinesAsync(_outbox));
        using var entry = JsonDocument.Parse(line);
        var root = entry.RootElement;
        Assert.True(root.GetProperty("at").TryGetDateTimeOffset(out _));
        Assert.Equal("dry-run", root.GetProperty("mode").GetString());
        Assert.Equal("appt-1", root.GetProperty("appointmentId").GetString());
        Assert.Equal("Reminder", root.GetProperty("kind").GetString());
        Assert.Equal(PhoneMask.Mask(phone), root.GetProperty("to").GetString());
        Assert.Equal("turtle_meeting_reminder", root.GetProperty("template").GetString());
        Assert.Equal("en", root.GetProperty("language").GetString());
        Assert.Equal(
            ["Asha Mehta", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)", "https://meet.example.com/abc"],
            root.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
        AssertNoSecretsLogged(phone, "none");
    }

    [Fact]
    public async Task ConcurrentDryRunsWriteWholeLines()
    {
        using var provider = Provider(token: null);
        var sender = provider.GetRequiredService<IWhatsAppSender>();
        var phone = NewPhone();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            sender.SendAsync(new OutgoingMessage($"appt-{i}", NotificationKind.AdvisorBio, TemplateRendererTests.Booking() with { Phone = phone }, Ravi), CancellationToken.None)));

        var lines = await File.ReadAllLinesAsync(_outbox);
        Assert.Equal(50, lines.Length);
        Assert.Equal(50, lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("appointmentId").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task ABurstOfSendsToAStalledGraphKeepsToTheConnectionBoundAndNoneWaitingForOneIsReportedUnanswered()
    {
        // A Graph API of its own, so only this burst's connections are counted. Five waves of a second each against a
        // four-second timeout (room for a loaded machine): the last wave waits four seconds for a connection.
        await using var meta = await new FakeWhatsAppApi().StartAsync();
        using var provider = Provider(FakeWhatsAppApi.DefaultAccessToken, baseUrl: meta.BaseUrl.ToString(), timeout: TimeSpan.FromSeconds(4));
        var sender = provider.GetRequiredService<IWhatsAppSender>();
        var burst = WhatsAppClient.MaxInFlight * 5;
        meta.StallEveryoneUntil(DateTimeOffset.UtcNow.AddMinutes(2), TimeSpan.FromSeconds(1));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, burst).Select(i => sender.SendAsync(
            new OutgoingMessage($"burst-{i}", NotificationKind.Confirmation, TemplateRendererTests.Booking() with { Phone = NewPhone() }, Ravi), CancellationToken.None)));

        Assert.All(outcomes, o => Assert.Equal(SendResult.Sent, o.Result));
        Turtle.Testing.Figures.Record($"grain: {burst} sends at once to a Graph API answering in 1 s: at most {meta.Connections.Peak} connections open (bound {WhatsAppClient.MaxInFlight})");
        Assert.InRange(meta.Connections.Peak, WhatsAppClient.MaxInFlight / 2, WhatsAppClient.MaxInFlight);
    }

    public void Dispose()
    {
        _logs.Dispose();
        var directory = Path.GetDirectoryName(_outbox)!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<SendOutcome> Send(string phone, NotificationKind kind, Advisor? advisor = null, string? token = FakeWhatsAppApi.DefaultAccessToken,
        string phoneNumberId = FakeWhatsAppApi.DefaultPhoneNumberId, string? baseUrl = null, TimeSpan? timeout = null)
    {
        using var provider = Provider(token, phoneNumberId, baseUrl, timeout);
        var sender = provider.GetRequiredService<IWhatsAppSender>();
        var booking = TemplateRendererTests.Booking() with { Phone = phone };
        return await sender.SendAsync(new OutgoingMessage("appt-1", kind, booking, advisor ?? Ravi), CancellationToken.None);
    }

    private ServiceProvider Provider(string? token, string phoneNumberId = FakeWhatsAppApi.DefaultPhoneNumberId, string? baseUrl = null, TimeSpan? timeout = null,
        Dictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["WhatsApp:ApiBaseUrl"] = baseUrl ?? _api.BaseUrl.ToString(),
            ["WhatsApp:AccessToken"] = token,
            ["WhatsApp:PhoneNumberId"] = phoneNumberId,
            ["WhatsApp:OutboxPath"] = _outbox,
            ["WhatsApp:RequestTimeout"] = (timeout ?? TimeSpan.FromSeconds(15)).ToString(),
        };
        foreach (var (key, value) in extra ?? [])
        {
            values[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddMessaging(configuration);
        return services.BuildServiceProvider();
    }

    private void AssertNoSecretsLogged(string phone, string token)
    {
        Assert.NotEmpty(_logs.Entries);
        Assert.All(_logs.Entries, e =>
        {
            Assert.DoesNotContain(Digits(phone), e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(token, e.Message, StringComparison.Ordinal);
        });
    }

    private static string NewPhone() => $"+9198765{Interlocked.Increment(ref _numberSeed):00000}";

    private static string Digits(string phone) => phone.TrimStart('+');
}
