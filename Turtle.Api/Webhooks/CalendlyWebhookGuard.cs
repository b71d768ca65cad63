using Microsoft.Extensions.Options;

namespace Turtle.Api.Webhooks;

/// <summary>
/// Applies the signing-key policy: verify when a key is set; without one, accept unsigned deliveries in
/// Development only and refuse everything elsewhere. Says which at start-up, before the first webhook.
/// </summary>
public sealed partial class CalendlyWebhookGuard(
    IOptions<CalendlyOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<CalendlyWebhookGuard> logger)
    : IHostedLifecycleService
{
    public TimeSpan Tolerance => options.Value.SignatureTolerance;

    private string? SigningKey => options.Value.SigningKey is { Length: > 0 } key ? key : null;

    public CalendlySignatureStatus Check(string? header, ReadOnlySpan<byte> body) => SigningKey switch
    {
        { } key => CalendlySignature.Verify(header, body, key, time.GetUtcNow(), options.Value.SignatureTolerance),
        null when environment.IsDevelopment() => CalendlySignatureStatus.Valid,
        null => CalendlySignatureStatus.KeyNotConfigured,
    };

    // Starting runs before every hosted service's StartAsync, so the Orleans client's connection wait cannot delay it.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (SigningKey is null)
        {
            if (environment.IsDevelopment())
            {
                LogUnsignedAccepted(logger);
            }
            else
            {
                LogAllRefused(logger, environment.EnvironmentName);
            }
        }
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendly:SigningKey is not set: Calendly webhooks are accepted WITHOUT signature checks (Development only).")]
    private static partial void LogUnsignedAccepted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Calendly:SigningKey is not set in environment {Environment}: every Calendly webhook will be refused with 401.")]
    private static partial void LogAllRefused(ILogger logger, string environment);
}
