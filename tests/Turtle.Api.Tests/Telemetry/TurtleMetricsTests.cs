using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Turtle.Grains.Appointments;
using Turtle.Grains.Telemetry;
using Turtle.Testing.Prometheus;

namespace Turtle.Api.Tests.Telemetry;

/// <summary>
/// Turtle's instruments as the OpenTelemetry Prometheus exporter serves them: the names and labels SPEC §10 gives,
/// read from a real <c>/metrics</c> endpoint (the same exporter the API and silos use).
/// </summary>
public sealed class TurtleMetricsTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(TurtleMetrics.MeterName).AddPrometheusExporter());
        _app = builder.Build();
        _app.MapPrometheusScrapingEndpoint();
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EveryInstrumentIsExportedUnderItsSpecName()
    {
        TurtleMetrics.Webhook(WebhookSource.WhatsApp, TurtleMetrics.WhatsAppStatusEvent, WebhookOutcome.Applied);
        TurtleMetrics.Message(NotificationKind.Confirmation, MessageOutcome.DryRun);
        TurtleMetrics.Message(NotificationKind.Reminder, MessageOutcome.OptedOut);
        TurtleMetrics.Lateness(NotificationKind.AdvisorBio, TimeSpan.FromSeconds(2.5));
        TurtleMetrics.AdvisorRefresh(AdvisorRefreshOutcome.Failed);
        TurtleMetrics.ReconcileRun(ReconcileOutcome.Ok);
        TurtleMetrics.ReconcileBookings(ReconcileAction.Cancelled, 2);

        var text = await ScrapeAsync();

        Assert.True(PrometheusText.Sum(text, "turtle_webhooks_total", ("source", "whatsapp"), ("event", "status"), ("outcome", "applied")) >= 1, text);
        Assert.True(PrometheusText.Sum(text, "turtle_messages_total", ("kind", "Confirmation"), ("outcome", "dry-run")) >= 1, text);
        Assert.True(PrometheusText.Sum(text, "turtle_messages_total", ("kind", "Reminder"), ("outcome", "opted-out")) >= 1, text);
        Assert.True(PrometheusText.Sum(text, "turtle_message_lateness_seconds_count", ("kind", "AdvisorBio")) >= 1, text);
        Assert.True(PrometheusText.Sum(text, "turtle_message_lateness_seconds_bucket", ("kind", "AdvisorBio"), ("le", "5")) >= 1, text);
        Assert.Equal(0, PrometheusText.Sum(text, "turtle_message_lateness_seconds_bucket", ("kind", "AdvisorBio"), ("le", "2")));
        Assert.True(PrometheusText.Sum(text, "turtle_advisor_refreshes_total", ("outcome", "failed")) >= 1, text);
        Assert.True(PrometheusText.Sum(text, "turtle_reconcile_runs_total", ("outcome", "ok")) >= 1, text);
        Assert.True(PrometheusText.Sum(text, "turtle_reconcile_bookings_total", ("action", "cancelled")) >= 2, text);
        Assert.Contains("# TYPE turtle_message_lateness_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE turtle_reconcile_bookings_total counter", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invitee.created", "invitee.created")]
    [InlineData("invitee_no_show.deleted", "invitee_no_show.deleted")]
    [InlineData("routing_form_submission.created", "routing_form_submission.created")]
    [InlineData("invitee.created;+919876543210", "other")]
    [InlineData(null, "unknown")]
    public async Task WebhookEventLabelKeepsToKnownValues(string? eventType, string label)
    {
        TurtleMetrics.Webhook(WebhookSource.Calendly, eventType, WebhookOutcome.Ignored);

        var text = await ScrapeAsync();

        Assert.True(PrometheusText.Sum(text, "turtle_webhooks_total", ("source", "calendly"), ("event", label), ("outcome", "ignored")) >= 1, text);
        Assert.DoesNotContain("9876543210", text, StringComparison.Ordinal);
    }

    private async Task<string> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
    }
}
