using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Messaging;

public sealed class AccessTokenStatusTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly WhatsAppOptions _options = new() { AccessToken = "token-one", AccessTokenProbeInterval = TimeSpan.FromMinutes(5) };

    public AccessTokenStatusTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs));

    private AccessTokenStatus Status() => new(new FixedMonitor(_options), new TurtleClock(_time), _loggers.CreateLogger<AccessTokenStatus>());

    [Fact]
    public void RefusedTokenHoldsMessagesButOneProbePerInterval()
    {
        var status = Status();
        Assert.Null(status.HoldReason());

        status.Refused("token-one", "error 190: Error validating access token: Session has expired.", "trace");

        Assert.Contains("190", status.HoldReason(), StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull(status.HoldReason());
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(status.HoldReason());
        Assert.NotNull(status.HoldReason());
    }

    [Fact]
    public void ReplacedTokenIsTriedAtOnce()
    {
        var status = Status();
        status.Refused("token-one", "HTTP 401: expired", null);

        _options.AccessToken = "token-two";

        Assert.Null(status.HoldReason());
        Assert.Null(status.Problem);
    }

    [Fact]
    public void AcceptanceClearsTheRefusal()
    {
        var status = Status();
        status.Refused("token-one", "HTTP 401: expired", null);
        Assert.NotNull(status.Problem);

        status.Accepted("token-one");

        Assert.Null(status.Problem);
        Assert.Null(status.HoldReason());
    }

    [Fact]
    public void OperatorIsAlertedAtMostOncePerMinute()
    {
        var status = Status();

        for (var i = 0; i < 10; i++)
        {
            status.Refused("token-one", "HTTP 401: expired", null);
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        var alerts = _logs.Entries.Where(e => e.Level == LogLevel.Critical).ToList();
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a => Assert.Contains("WhatsApp:AccessToken", a.Message, StringComparison.Ordinal));
        Assert.All(_logs.Entries, e => Assert.DoesNotContain("token-one", e.Message, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _loggers.Dispose();
        _logs.Dispose();
    }

    private sealed class FixedMonitor(WhatsAppOptions options) : IOptionsMonitor<WhatsAppOptions>
    {
        public WhatsAppOptions CurrentValue => options;

        public WhatsAppOptions Get(string? name) => options;

        public IDisposable? OnChange(Action<WhatsAppOptions, string?> listener) => null;
    }
}
