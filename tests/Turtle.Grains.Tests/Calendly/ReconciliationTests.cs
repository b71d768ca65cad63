using System.Diagnostics;
using Turtle.Grains.Appointments;
using Turtle.Grains.Calendly;
using Turtle.Grains.Messaging;
using Turtle.Testing;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Calendly;

/// <summary>
/// Reconciliation on a real two-silo cluster against the fake Calendly and Graph APIs. Each test starts from an empty
/// Calendly (the fake lists the whole organization); bookings Turtle made earlier stay in storage under their own ids.
/// </summary>
public sealed class ReconciliationTests(ReconcileClusterFixture fixture) : IClassFixture<ReconcileClusterFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(4);

    private FakeWhatsAppApi Meta => fixture.WhatsApp;

    public Task InitializeAsync()
    {
        fixture.Calendly.Release();
        fixture.Calendly.ClearEvents();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AfterAnOutageItBooksWhatWasMissedCancelsWhatWasCancelledAndRepeatsNothing()
    {
        var start = DateTimeOffset.UtcNow.AddDays(3);
        var known = Enumerable.Range(0, 247).Select(i => fixture.Seed(start.AddMinutes(i))).ToList();
        var first = await fixture.Grains.ReconcileAsync();
        Assert.True(first.Created == 247, Describe(first));

        // While Turtle was away: three bookings whose webhooks never came, two cancellations.
        var missed = Enumerable.Range(0, 3).Select(i => fixture.Seed(start.AddHours(10).AddMinutes(i))).ToList();
        var cancelled = new[] { known[17], known[160] };
        foreach (var booking in cancelled)
        {
            fixture.Calendly.CancelEvent(booking.EventUuid, "Travelling that week");
        }
        fixture.Calendly.FailNext(1, 429, TimeSpan.FromSeconds(1), whereContains: "page_token=");
        var sentBefore = Meta.Requests.Count;

        var second = await fixture.Grains.ReconcileAsync();

        Assert.True(second is { Events: 250, Invitees: 250, Created: 3, Cancelled: 2, Unchanged: 245, Errors.Count: 0, Outcome: ReconcileRunOutcome.Completed }, Describe(second));
        Assert.Contains(fixture.Calendly.Requests, r => r.StatusCode == 429 && r.Query.Contains("page_token=", StringComparison.Ordinal));
        Assert.Equal(3, fixture.Calendly.Requests.Count(r => r.Path == "/scheduled_events" && r.Query.Contains("status=active", StringComparison.Ordinal)
            && r.StatusCode == 200 && r.ReceivedAt >= second.StartedAt));
        await Meta.WaitForRequestsAsync(r => IsFor(cancelled, r, NotificationKind.Cancellation), 2);
        await Task.Delay(Quiet);
        var sent = Meta.Requests.Skip(sentBefore).ToList();
        Assert.Equal(5, sent.Count);
        Assert.Equal(missed.Select(m => Tag(m, NotificationKind.Confirmation)).Order(), sent.Where(r => r.TemplateName == "turtle_booking_confirmation").Select(r => r.BizOpaqueCallbackData).Order());
        Assert.Equal(cancelled.Select(c => Tag(c, NotificationKind.Cancellation)).Order(), sent.Where(r => r.TemplateName == "turtle_booking_cancelled").Select(r => r.BizOpaqueCallbackData).Order());

        var sentAfterSecond = Meta.Requests.Count;
        var third = await fixture.Grains.ReconcileAsync();
        await Task.Delay(Quiet);

        Assert.True(third is { Events: 250, Created: 0, Cancelled: 0, Unchanged: 250, Errors.Count: 0 }, Describe(third));
        Assert.Equal(sentAfterSecond, Meta.Requests.Count);
        var view = await fixture.Grains.GetGrain<IAppointmentGrain>(cancelled[0].InviteeUuid).GetAsync();
        Assert.Equal(AppointmentStatus.Cancelled, view!.Status);
        Assert.Equal("Travelling that week", view.CancelReason);
        // The history says who did it: reconciliation booked the missed one and cancelled the cancelled one.
        Assert.Contains(view.History, h => h.By == BookingSources.Reconcile && h.What.Contains("cancel", StringComparison.OrdinalIgnoreCase));
        var recovered = await fixture.Grains.GetGrain<IAppointmentGrain>(missed[0].InviteeUuid).GetAsync();
        Assert.Contains(recovered!.History, h => h.By == BookingSources.Reconcile && h.What.StartsWith("booked", StringComparison.Ordinal));
        Assert.Contains(recovered.History, h => h.By == BookingSources.Reconcile && h.What == "Confirmation sent");
    }

    [Fact]
    public async Task AWebhookAndAReconciliationOfTheSameInviteeAtOnceConfirmIt()
    {
        var start = DateTimeOffset.UtcNow.AddDays(4);
        var seeded = Enumerable.Range(0, 8).Select(i => fixture.Seed(start.AddMinutes(i))).ToList();
        var parser = new CalendlyPayloadParser(new PhoneNumberNormalizer("IN"));
        // What the webhook endpoint does with a delivery: parse it, hand it to the invitee's grain.
        var webhooks = seeded.Select(s => Task.Run(() =>
        {
            var booking = Assert.IsType<InviteeCreatedEvent>(parser.Parse(System.Text.Encoding.UTF8.GetBytes(
                fixture.Calendly.WebhookBody("invitee.created", s.EventUuid, s.InviteeUuid)))).Booking;
            return fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);
        })).ToList();

        var run = await fixture.Grains.ReconcileAsync();
        var delivered = await Task.WhenAll(webhooks);
        await Task.Delay(Quiet);

        Assert.Equal(8, run.Created + delivered.Count(d => d.Changed));
        Assert.Equal(8, run.Invitees);
        foreach (var booking in seeded)
        {
            Assert.Single(Meta.Requests, r => r.BizOpaqueCallbackData == Tag(booking, NotificationKind.Confirmation));
        }
    }

    [Fact]
    public async Task ARequestDuringARunJoinsIt()
    {
        fixture.Seed(DateTimeOffset.UtcNow.AddDays(5));
        var usersBefore = fixture.Calendly.Requests.Count(r => r.Path == "/users/me");
        fixture.Calendly.HoldAfter(0);

        var running = fixture.Grains.ReconcileAsync();
        await Eventually.HoldsAsync(() => fixture.Calendly.Held > 0, TimeSpan.FromSeconds(30), "the first run held at Calendly");
        var joining = fixture.Grains.ReconcileAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        fixture.Calendly.Release();
        var results = await Task.WhenAll(running, joining);

        Assert.Equal(results[0].StartedAt, results[1].StartedAt);
        Assert.True(results[1] is { Created: 1, Invitees: 1 }, Describe(results[1]));
        Assert.Equal(usersBefore + 1, fixture.Calendly.Requests.Count(r => r.Path == "/users/me"));
        var next = await fixture.Grains.ReconcileAsync();
        Assert.True(next.StartedAt > results[0].FinishedAt, "a call after a run ends starts a new one");
    }

    [Fact]
    public async Task AReschedulingCancelsTheOldInviteeSilentlyAndTellsTheNewOneTheNewTime()
    {
        var old = fixture.Seed(DateTimeOffset.UtcNow.AddDays(6));
        await fixture.Grains.ReconcileAsync();
        await Meta.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Tag(old, NotificationKind.Confirmation));

        fixture.Calendly.CancelEvent(old.EventUuid, "Rescheduled", rescheduled: true);
        var moved = fixture.Seed(DateTimeOffset.UtcNow.AddDays(7), oldInviteeUri: old.InviteeUri.ToString());
        var result = await fixture.Grains.ReconcileAsync();
        await Meta.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Tag(moved, NotificationKind.Rescheduled));
        await Task.Delay(Quiet);

        Assert.True(result is { Created: 1, Cancelled: 1, Errors.Count: 0 }, Describe(result));
        Assert.Equal(AppointmentStatus.Rescheduled, (await fixture.Grains.GetGrain<IAppointmentGrain>(old.InviteeUuid).GetAsync())!.Status);
        Assert.DoesNotContain(Meta.Requests, r => r.BizOpaqueCallbackData == Tag(old, NotificationKind.Cancellation));
        Assert.DoesNotContain(Meta.Requests, r => r.BizOpaqueCallbackData == Tag(moved, NotificationKind.Confirmation));
    }

    [Fact]
    public async Task ACanceledInviteeTurtleNeverHadIsLeftAlone()
    {
        var never = fixture.Seed(DateTimeOffset.UtcNow.AddDays(8), status: "canceled");

        var result = await fixture.Grains.ReconcileAsync();

        Assert.True(result is { Events: 1, Invitees: 1, Created: 0, Cancelled: 0, Unchanged: 1 }, Describe(result));
        Assert.Null(await fixture.Grains.GetGrain<IAppointmentGrain>(never.InviteeUuid).GetAsync());
    }

    [Fact]
    public async Task AnEventWhoseInviteesCannotBeReadIsReportedAndTriedAgainByTheNextRun()
    {
        var first = fixture.Seed(DateTimeOffset.UtcNow.AddDays(9));
        // The first attempt and every retry (Calendly:MaxRetryAttempts, 5) fail.
        fixture.Calendly.FailNext(6, 503, whereContains: "/invitees");

        var result = await fixture.Grains.ReconcileAsync();

        Assert.Equal(ReconcileRunOutcome.Failed, result.Outcome);
        Assert.Contains(result.Errors, e => e.Contains(first.EventUuid, StringComparison.Ordinal) && e.Contains("503", StringComparison.Ordinal));
        Assert.False(result.Partial);

        var again = await fixture.Grains.ReconcileAsync();
        Assert.True(again is { Created: 1, Errors.Count: 0, Outcome: ReconcileRunOutcome.Completed }, Describe(again));
    }

    [Fact]
    public async Task TwoThousandEventsAreReconciledAndTimed()
    {
        var start = DateTimeOffset.UtcNow.AddDays(10);
        var seeded = Enumerable.Range(0, 2000).Select(i => fixture.Seed(start.AddMinutes(i))).ToList();

        var clock = Stopwatch.StartNew();
        var result = await fixture.Grains.ReconcileAsync();
        var firstRun = clock.Elapsed;
        clock.Restart();
        var repeat = await fixture.Grains.ReconcileAsync();
        var secondRun = clock.Elapsed;

        Figures.Record($"reconcile: 2,000 events with 1 invitee each against the fake Calendly, 2 silos on Azurite: {firstRun.TotalSeconds:0.0} s booking all "
            + $"({2000 / firstRun.TotalSeconds:0} invitees/s, 4 events at once), {secondRun.TotalSeconds:0.0} s for a repeat that changes nothing "
            + $"({Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        Assert.True(result is { Events: 2000, Created: 2000, Errors.Count: 0 }, Describe(result));
        Assert.True(repeat is { Events: 2000, Unchanged: 2000, Created: 0 }, Describe(repeat));
        Assert.Contains(Meta.Requests, r => r.BizOpaqueCallbackData == Tag(seeded[^1], NotificationKind.Confirmation));
    }

    private static bool IsFor(IEnumerable<SeededBooking> bookings, FakeWhatsAppRequest request, NotificationKind kind) =>
        bookings.Any(b => request.BizOpaqueCallbackData == Tag(b, kind));

    private static string Tag(SeededBooking booking, NotificationKind kind) => $"{booking.InviteeUuid}:{kind}";

    private static string Describe(ReconcileResult result) =>
        $"events {result.Events}, invitees {result.Invitees}, created {result.Created}, cancelled {result.Cancelled}, unchanged {result.Unchanged}, "
        + $"outcome {result.Outcome}, errors: {string.Join(" | ", result.Errors)}";
}
