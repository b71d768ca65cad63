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
    };
}

[CollectionDefinition(Name)]
public sealed class TemplateClusterGroup : ICollectionFixture<TemplateClusterFixture>
{
    public const string Name = "template cluster";
}
