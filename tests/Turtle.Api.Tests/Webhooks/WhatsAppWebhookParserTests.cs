using Turtle.Grains.Appointments;
using Turtle.Api.Webhooks;
using Turtle.Testing.WhatsApp;

namespace Turtle.Api.Tests.Webhooks;

/// <summary>What clients send, as Meta's messages webhook reports it (text, template quick reply, interactive reply button).</summary>
public sealed class WhatsAppWebhookParserTests
{
    private readonly FakeWhatsAppApi _meta = new();

    private static WhatsAppWebhookBatch Parse(string body) => WhatsAppWebhookParser.Parse(System.Text.Encoding.UTF8.GetBytes(body), FakeWhatsAppApi.DefaultPhoneNumberId);

    [Fact]
    public void TextCarriesItsSenderMessageIdAndTime()
    {
        var batch = Parse(_meta.BuildInboundTextPayload("919800000001", "Can we move it to 4 pm?", messageId: "wamid.text1"));

        var text = Assert.Single(batch.Texts);
        Assert.Equal(("+919800000001", "Can we move it to 4 pm?", "wamid.text1"), (text.From, text.Body, text.MessageId));
        Assert.InRange(text.At, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Empty(batch.Buttons);
    }

    [Fact]
    public void QuickReplyButtonCarriesItsPayloadLabelAndTheTemplateMessage()
    {
        var batch = Parse(_meta.BuildButtonPayload("919800000001", "5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69:decline", "No, I cannot make it", "wamid.template", "wamid.tap"));

        var tap = Assert.Single(batch.Buttons);
        Assert.Equal("+919800000001", tap.From);
        Assert.Equal("5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69:decline", tap.Payload);
        Assert.Equal("No, I cannot make it", tap.Text);
        Assert.Equal("wamid.template", tap.ContextId);
        Assert.Equal("wamid.tap", tap.MessageId);
        // The tap, and the link between the sender's number and BSUID its contact carries.
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void InteractiveReplyButtonIsReadAsAButton()
    {
        var batch = Parse(_meta.BuildInteractiveReplyPayload("919800000001", "5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69:attend", "Yes, I will attend"));

        var tap = Assert.Single(batch.Buttons);
        Assert.Equal(("5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69:attend", "Yes, I will attend"), (tap.Payload, tap.Text));
    }

    [Fact]
    public void SenderWrittenWithAPlusIsStillOneE164Number()
    {
        var body = _meta.BuildInboundTextPayload("919800000001", "hello").Replace("\"from\":\"919800000001\"", "\"from\":\"+919800000001\"", StringComparison.Ordinal);

        Assert.Equal("+919800000001", Assert.Single(Parse(body).Texts).From);
    }

    [Fact]
    public void OtherMessageTypesAreCountedAsIgnored()
    {
        var body = _meta.BuildInboundTextPayload("919800000001", "x").Replace("\"type\":\"text\"", "\"type\":\"sticker\"", StringComparison.Ordinal);

        var batch = Parse(body);

        Assert.Equal((0, 0, 1), (batch.Texts.Count, batch.Buttons.Count, batch.Ignored));
    }

    [Fact]
    public void ASenderNamedByNumberAndBsuidLinksThem()
    {
        var batch = Parse(_meta.BuildInboundTextPayload("919800000002", "hello"));

        var text = Assert.Single(batch.Texts);
        Assert.Equal(("+919800000002", FakeWhatsAppApi.UserIdOf("919800000002")), (text.From, text.UserId));
        Assert.Equal(new WhatsAppUserLink(FakeWhatsAppApi.UserIdOf("919800000002"), "+919800000002"), Assert.Single(batch.Links));
    }

    [Fact]
    public void ASenderNamedOnlyByBsuidIsKeptWithNoNumber()
    {
        var batch = Parse(_meta.BuildInboundTextFromUserPayload("IN.1502576394655843", "STOP", "asha.rao", "wamid.bsuid1"));

        var text = Assert.Single(batch.Texts);
        Assert.Equal(("", "IN.1502576394655843", "STOP", "@asha.rao"), (text.From, text.UserId, text.Body, text.Name));
        Assert.Empty(batch.Links);
        Assert.Equal(0, batch.Ignored);
    }

    [Fact]
    public void ATapNamedOnlyByBsuidIsKeptWithNoNumber()
    {
        var batch = Parse(_meta.BuildButtonFromUserPayload("IN.1502576394655843", "5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69:attend", "Yes, I will attend"));

        var tap = Assert.Single(batch.Buttons);
        Assert.Equal(("", "IN.1502576394655843"), (tap.From, tap.UserId));
    }

    [Fact]
    public void AUserWhoAdoptedAUsernameWritesWithoutANumber()
    {
        var meta = new FakeWhatsAppApi();
        meta.AdoptUsername("+91 98000 00003", "asha");

        var text = Assert.Single(Parse(meta.BuildInboundTextPayload("919800000003", "START")).Texts);

        Assert.Equal(("", FakeWhatsAppApi.UserIdOf("919800000003")), (text.From, text.UserId));
    }

    [Fact]
    public void AStatusLinksItsRecipientsNumberAndBsuidEvenWithoutCallbackData()
    {
        var batch = Parse(_meta.BuildStatusPayload("wamid.s1", "919800000004", "delivered", bizOpaqueCallbackData: null));

        Assert.Equal(new WhatsAppUserLink(FakeWhatsAppApi.UserIdOf("919800000004"), "+919800000004"), Assert.Single(batch.Links));
    }

    [Fact]
    public void AFailedStatusWithoutCallbackDataIsReadWithItsMessageIdRecipientAndError()
    {
        var batch = Parse(_meta.BuildStatusPayload("wamid.f1", "919800000006", "failed", bizOpaqueCallbackData: null, 131049, "Not delivered"));

        var status = Assert.Single(batch.Statuses);
        Assert.Null(status.Holder);
        Assert.Null(status.Update.Kind);
        Assert.Equal(("wamid.f1", DeliveryStatus.Failed, 131049), (status.Update.MessageId, status.Update.Status, status.Update.ErrorCode));
        Assert.Equal("+919800000006", status.Recipient);
        Assert.Equal(0, batch.Ignored);
    }

    [Theory]
    [InlineData("2b1f4c1e-7c52-4bd2-9b7f-0c0a3f1d9e11:Reminder", "2b1f4c1e-7c52-4bd2-9b7f-0c0a3f1d9e11", NotificationKind.Reminder)]
    [InlineData("agenda:2026-12-08/asha@example.com:AdvisorAgenda", "agenda:2026-12-08/asha@example.com", NotificationKind.AdvisorAgenda)]
    public void AStatusNamesTheBookingOrAgendaItsCallbackDataCarries(string data, string holder, NotificationKind kind)
    {
        var status = Assert.Single(Parse(_meta.BuildStatusPayload("wamid.c1", "919800000007", "delivered", data)).Statuses);

        Assert.Equal((holder, kind), (status.Holder, status.Update.Kind));
    }

    [Theory]
    [InlineData("919800000005")]
    [InlineData("US.ENT.11815799212886844830")]
    [InlineData("in.123")]
    [InlineData("")]
    public void ABsuidThatIsNotShapedAsMetasNamesNobody(string userId)
    {
        var body = _meta.BuildInboundTextFromUserPayload("IN.1502576394655843", "hello").Replace("IN.1502576394655843", userId, StringComparison.Ordinal);

        var batch = Parse(body);

        Assert.Empty(batch.Texts);
        Assert.Equal(1, batch.Ignored);
    }
}
