using System.Text.Json.Nodes;
using Turtle.Grains.Calendly;
using Turtle.Grains.Messaging;
using Turtle.Testing.Calendly;

namespace Turtle.Grains.Tests.Calendly;

/// <summary>
/// <c>invitee_no_show.created</c> / <c>.deleted</c>. Calendly sends the invitee with its <c>no_show</c> mark (as third-party
/// references of the payload show it; Calendly's own page for these events was not found); a body shaped as the
/// InviteeNoShow resource (<c>uri</c> of the mark, <c>invitee</c> the invitee's URI) is read as well.
/// </summary>
public sealed class NoShowPayloadTests
{
    private const string InviteeId = "5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69";

    private readonly CalendlyPayloadParser parser = new(new PhoneNumberNormalizer("IN"));

    private static byte[] NoShow(string eventType, Action<JsonObject>? edit = null) => Payloads.Edit(Payloads.Created, root =>
    {
        root["event"] = eventType;
        root["created_at"] = "2026-11-25T11:05:00.000000Z";
        root.Payload()["no_show"] = eventType.EndsWith("created", StringComparison.Ordinal)
            ? new JsonObject { ["uri"] = "https://api.calendly.com/invitee_no_shows/6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", ["created_at"] = "2026-11-25T11:04:59.000000Z" }
            : null;
        edit?.Invoke(root);
    });

    [Fact]
    public void NoShowCreatedNamesTheInviteeAndWhenTheHostMarkedIt()
    {
        var noShow = Assert.IsType<InviteeNoShowEvent>(parser.Parse(NoShow("invitee_no_show.created")));

        Assert.Equal("invitee_no_show.created", noShow.EventType);
        Assert.Equal(InviteeId, noShow.Mark.InviteeId);
        Assert.True(noShow.Mark.NoShow);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 4, 59, TimeSpan.Zero), noShow.Mark.At);
    }

    [Fact]
    public void NoShowDeletedTakesTheMarkBackAtTheEventsTime()
    {
        var noShow = Assert.IsType<InviteeNoShowEvent>(parser.Parse(NoShow("invitee_no_show.deleted")));

        Assert.Equal("invitee_no_show.deleted", noShow.EventType);
        Assert.Equal(InviteeId, noShow.Mark.InviteeId);
        Assert.False(noShow.Mark.NoShow);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 5, 0, TimeSpan.Zero), noShow.Mark.At);
    }

    [Fact]
    public void NoShowShapedAsTheInviteeNoShowResourceIsReadToo()
    {
        var body = """
            {"event":"invitee_no_show.created","created_at":"2026-11-25T11:05:00.000000Z","payload":{
              "uri":"https://api.calendly.com/invitee_no_shows/6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b",
              "invitee":"https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/5A1C9E0B-7D3F-4C2A-9B8E-1F2D3C4B5A69",
              "created_at":"2026-11-25T11:04:59.000000Z"}}
            """u8.ToArray();

        var noShow = Assert.IsType<InviteeNoShowEvent>(parser.Parse(body));

        Assert.Equal(InviteeId, noShow.Mark.InviteeId);
    }

    [Fact]
    public void NoShowWithoutAnInviteeUriIsRefusedNamingTheField()
    {
        var error = Assert.Throws<CalendlyPayloadException>(() => parser.Parse(NoShow("invitee_no_show.created",
            root => root.Payload()["uri"] = "https://api.calendly.com/invitee_no_shows/6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b")));

        Assert.Equal("payload.uri", error.Field);
    }
}
