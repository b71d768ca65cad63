using Turtle.Grains.Appointments;
using Turtle.Grains.Templates;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Templates;

/// <summary>Templates as their grains keep them on a real cluster (Azurite storage): the attention list, the catalog, the send check.</summary>
[Collection(TemplateClusterGroup.Name)]
public sealed class TemplateGrainTests(TemplateClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds());
    private IAttentionGrain List => fixture.Grains.GetGrain<IAttentionGrain>(0);

    [Fact]
    public async Task APausedTemplateIsListedOnceWithWhatToDoAndItsApprovalClearsIt()
    {
        var key = TemplateKey.Of("turtle_missed_meeting", "en");
        var grain = fixture.Grains.GetGrain<ITemplateGrain>(key);

        await grain.ApplyAsync(Status("turtle_missed_meeting", "PAUSED", T0, "FIRST_PAUSE"));
        await grain.ApplyAsync(Status("turtle_missed_meeting", "PAUSED", T0, "FIRST_PAUSE"));
        var listed = (await List.ListAsync()).Where(e => e.Reason == AttentionReasonCodes.Template && e.AppointmentId == key).ToList();
        var check = await grain.CheckSendAsync();
        await grain.ApplyAsync(Status("turtle_missed_meeting", "APPROVED", T0.AddHours(3)));

        var entry = Assert.Single(listed);
        Assert.Equal(T0, entry.Since);
        Assert.Contains("turtle_missed_meeting (en), used for NoShow", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("paused", entry.Detail, StringComparison.Ordinal);
        Assert.Equal(TemplateVerdict.Wait, check.Verdict);
        Assert.DoesNotContain(await List.ListAsync(), e => e.AppointmentId == key);
        Assert.Equal(TemplateVerdict.Send, (await grain.CheckSendAsync()).Verdict);
    }

    [Fact]
    public async Task ATemplateNoKindUsesIsKeptButNeverListed()
    {
        var key = TemplateKey.Of("another_tools_promotion", "en");

        await fixture.Grains.GetGrain<ITemplateGrain>(key).ApplyAsync(Status("another_tools_promotion", "REJECTED", T0, "PROMOTIONAL"));

        Assert.Equal("REJECTED", (await fixture.Grains.GetGrain<ITemplateGrain>(key).GetAsync()).Status);
        Assert.DoesNotContain(await List.ListAsync(), e => e.AppointmentId == key);
    }

    [Fact]
    public async Task TheCatalogListsEveryKindsTemplateWithWhatMetaReportedAfterARestartOfItsGrain()
    {
        var grain = fixture.Grains.GetGrain<ITemplateGrain>(TemplateKey.Of("turtle_meeting_follow_up", "en"));
        await grain.ApplyAsync(new TemplateUpdate { Field = TemplateUpdateField.Category, Name = "turtle_meeting_follow_up", Language = "en", At = T0, PreviousCategory = "UTILITY", Category = "MARKETING" });
        await grain.ApplyAsync(new TemplateUpdate { Field = TemplateUpdateField.Quality, Name = "turtle_meeting_follow_up", Language = "en", At = T0, Quality = "RED" });
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var items = await fixture.Grains.GetGrain<ITemplateCatalogGrain>(0).ListAsync();

        Assert.Equal(Enum.GetValues<NotificationKind>().Order(), items.Select(i => i.Kind).Order());
        var followUp = Assert.Single(items, i => i.Kind == NotificationKind.FollowUp);
        Assert.Equal(("turtle_meeting_follow_up", "en", "MARKETING", "UTILITY", "RED", T0), (followUp.Name, followUp.Language, followUp.Category, followUp.IntendedCategory, followUp.Quality, followUp.Since));
        Assert.Contains(await List.ListAsync(), e => e.AppointmentId == TemplateKey.Of("turtle_meeting_follow_up", "en") && e.Detail!.Contains("MARKETING", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATemplateNoWebhookReportedOnIsReadFromMetasApiOnceAndARejectedOneIsListed()
    {
        fixture.WhatsApp.SeedTemplate("turtle_booking_confirmation", "en", "APPROVED");
        fixture.WhatsApp.SeedTemplate("turtle_advisor_bio", "en", "REJECTED", rejectedReason: "INVALID_FORMAT");
        var catalog = fixture.Grains.GetGrain<ITemplateCatalogGrain>(0);

        var items = await catalog.ListAsync();
        var reads = fixture.WhatsApp.TemplateRequests.Count;
        await catalog.ListAsync();

        var confirmation = Assert.Single(items, i => i.Kind == NotificationKind.Confirmation);
        Assert.Equal(("APPROVED", "UTILITY", (string?)null), (confirmation.Status, confirmation.Category, confirmation.Reason));
        var bio = Assert.Single(items, i => i.Kind == NotificationKind.AdvisorBio);
        Assert.Equal(("REJECTED", "INVALID_FORMAT"), (bio.Status, bio.Reason));
        Assert.Contains(await List.ListAsync(), e => e.AppointmentId == TemplateKey.Of("turtle_advisor_bio", "en") && e.Detail!.Contains("rejected", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.WhatsApp.TemplateRequests.Skip(reads), r => r.PathAndQuery.Contains("name=turtle_booking_confirmation&", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APausedTemplatesMessageWaitsAndGoesOnceWhenMetaApprovesIt()
    {
        var template = fixture.Grains.GetGrain<ITemplateGrain>(TemplateKey.Of(RescheduledTemplate, "en"));
        var at = DateTimeOffset.UtcNow;
        await template.ApplyAsync(Status(RescheduledTemplate, "PAUSED", at, "FIRST_PAUSE"));
        // Past any answer a silo kept from before the pause.
        await Task.Delay(TemplateGate.AnswerLifetime);
        var booking = Bookings.New(TimeSpan.FromDays(3), oldInviteeId: Guid.NewGuid().ToString());
        try
        {
            await Booking(booking).BookAsync(booking);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var held = Rescheduled(await Booking(booking).GetAsync());
            Assert.Equal(NotificationState.Pending, held.State);
            Assert.Contains("paused by Meta", held.LastError, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Rescheduled));
        }
        finally
        {
            await template.ApplyAsync(Status(RescheduledTemplate, "APPROVED", at.AddSeconds(1)));
        }

        await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Rescheduled) && r.MessageId is not null, 1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(fixture.WhatsApp.Accepted, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Rescheduled));
        Assert.Equal(NotificationState.Sent, Rescheduled(await Booking(booking).GetAsync()).State);
    }

    [Fact]
    public async Task ADisabledTemplatesMessageFailsWithMetasReasonAndIsNotSent()
    {
        var template = fixture.Grains.GetGrain<ITemplateGrain>(TemplateKey.Of(RescheduledTemplate, "en"));
        var at = DateTimeOffset.UtcNow;
        await template.ApplyAsync(Status(RescheduledTemplate, "DISABLED", at, "LOW_QUALITY"));
        await Task.Delay(TemplateGate.AnswerLifetime);
        var booking = Bookings.New(TimeSpan.FromDays(3), oldInviteeId: Guid.NewGuid().ToString());
        try
        {
            await Booking(booking).BookAsync(booking);
            var failed = Rescheduled(await Booking(booking).GetAsync());
            Assert.Equal(NotificationState.Failed, failed.State);
            Assert.Contains("DISABLED", failed.LastError, StringComparison.Ordinal);
        }
        finally
        {
            await template.ApplyAsync(Status(RescheduledTemplate, "APPROVED", at.AddSeconds(1)));
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Rescheduled));
    }

    /// <summary>A rescheduled booking's first message: its template is left to these tests (the others use the confirmation's).</summary>
    private const string RescheduledTemplate = "turtle_booking_rescheduled";

    private IAppointmentGrain Booking(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    private static NotificationView Rescheduled(AppointmentView? booking) => booking!.Notifications.Single(n => n.Kind == NotificationKind.Rescheduled);

    private static TemplateUpdate Status(string name, string reported, DateTimeOffset at, string? reason = null) =>
        new() { Field = TemplateUpdateField.Status, Name = name, Language = "en", At = at, Event = reported, Reason = reason };
}

/// <summary>A cluster of its own: templates paused here must not hold other tests' messages once the send path asks them.</summary>
public sealed class TemplateClusterFixture : TurtleClusterFixture
{
    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WhatsApp:BusinessAccountId"] = FakeWhatsAppApi.BusinessAccountId,
        // A message held by a paused template asks again within a second.
        ["Notifications:HeldRecheckInterval"] = "00:00:01",
    };
}

[CollectionDefinition(Name)]
public sealed class TemplateClusterGroup : ICollectionFixture<TemplateClusterFixture>
{
    public const string Name = "template cluster";
}
