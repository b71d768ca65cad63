using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Messaging;

public sealed class TemplateRendererTests
{
    private static readonly DateTimeOffset TuesdayTenUtc = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Asia/Kolkata", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)")]
    [InlineData("Asia/Kathmandu", "Tue, 24 Nov 2026, 3:45 PM (GMT+05:45)")]
    [InlineData("UTC", "Tue, 24 Nov 2026, 10:00 AM (GMT+00:00)")]
    [InlineData("Europe/London", "Tue, 24 Nov 2026, 10:00 AM (GMT+00:00)")]
    [InlineData("America/New_York", "Tue, 24 Nov 2026, 5:00 AM (GMT-05:00)")]
    [InlineData("America/St_Johns", "Tue, 24 Nov 2026, 6:30 AM (GMT-03:30)")]
    [InlineData("Pacific/Kiritimati", "Wed, 25 Nov 2026, 12:00 AM (GMT+14:00)")]
    public void MeetingTimeIsShownInTheInviteesZoneWithItsOffset(string zone, string expected) =>
        Assert.Equal(expected, TemplateRenderer.FormatMeetingTime(TuesdayTenUtc, zone));

    [Fact]
    public void MeetingTimeUsesTheOffsetInForceAtThatInstant()
    {
        var summer = new DateTimeOffset(2026, 7, 14, 13, 5, 0, TimeSpan.Zero);
        Assert.Equal("Tue, 14 Jul 2026, 9:05 AM (GMT-04:00)", TemplateRenderer.FormatMeetingTime(summer, "America/New_York"));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData(null)]
    public void UnknownTimeZoneFallsBackToUtc(string? zone) =>
        Assert.Equal("Tue, 24 Nov 2026, 10:00 AM (GMT+00:00)", TemplateRenderer.FormatMeetingTime(TuesdayTenUtc, zone));

    [Fact]
    public void MeetingDateIsTheDayInTheInviteesZone()
    {
        var lateEvening = new DateTimeOffset(2026, 11, 24, 20, 0, 0, TimeSpan.Zero);
        Assert.Equal("Tue, 24 Nov 2026", TemplateRenderer.FormatMeetingDate(lateEvening, "UTC"));
        Assert.Equal("Wed, 25 Nov 2026", TemplateRenderer.FormatMeetingDate(lateEvening, "Asia/Kolkata"));
    }

    [Theory]
    [InlineData("Asha\nMehta", "Asha Mehta")]
    [InlineData("Asha\r\n\tMehta", "Asha Mehta")]
    [InlineData("a     b", "a b")]
    [InlineData("a    b", "a b")]
    [InlineData("  padded  ", "padded")]
    [InlineData("line one\n\nline two", "line one line two")]
    public void SanitiseCollapsesWhitespaceMetaRefuses(string raw, string expected) =>
        Assert.Equal(expected, TemplateRenderer.Sanitize(raw));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \n\t ")]
    public void EmptyValueBecomesDash(string? raw) => Assert.Equal("-", TemplateRenderer.Sanitize(raw));

    [Fact]
    public void LongBioIsCutAtAWordWithEllipsis()
    {
        var bio = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"word{i}"));
        var rendered = TemplateRenderer.Sanitize(bio);

        Assert.True(rendered.Length <= TemplateRenderer.MaxParameterLength, $"{rendered.Length} characters");
        Assert.True(rendered.Length > TemplateRenderer.MaxParameterLength - 20, $"{rendered.Length} characters");
        Assert.EndsWith("…", rendered, StringComparison.Ordinal);
        var kept = rendered[..^1];
        Assert.StartsWith(kept, bio, StringComparison.Ordinal);
        Assert.Equal(' ', bio[kept.Length]);
    }

    [Fact]
    public void ShortValueIsNotCut()
    {
        var value = new string('x', TemplateRenderer.MaxParameterLength);
        Assert.Equal(value, TemplateRenderer.Sanitize(value));
    }

    [Fact]
    public void DefaultTemplatesRenderTheirVariablesInOrder()
    {
        var booking = Booking();
        var advisor = new Advisor { Email = "ravi@example.com", Name = "Ravi Kumar", Bio = "Twenty years\nof planning.", Title = "CFP", Phone = "+91 98765 00000" };

        Assert.Equal(
            ["Asha Mehta", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)", "Ravi Kumar"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.Confirmation).ToOptions().Parameters, booking, advisor));
        Assert.Equal(
            ["Asha Mehta", "Ravi Kumar", "Twenty years of planning.", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.AdvisorBio).ToOptions().Parameters, booking, advisor));
        Assert.Equal(
            ["Asha Mehta", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)", "https://meet.example.com/abc"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.Reminder).ToOptions().Parameters, booking, advisor));
        Assert.Equal(
            ["Asha Mehta", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)", "https://calendly.com/reschedulings/abc"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.Cancellation).ToOptions().Parameters, booking, advisor));
    }

    [Fact]
    public void EveryVariableResolves()
    {
        var advisor = new Advisor { Email = "ravi@example.com", Name = "Ravi Kumar", Bio = "Bio.", Title = "CFP", Phone = "+91 98765 00000" };
        var booking = Booking() with { Answers = [new("What would you like to discuss?", "Retirement")] };
        var rendered = TemplateRenderer.Render([.. TemplateVariables.All.Order(StringComparer.Ordinal)], booking, advisor);

        // agenda, cancel_reason and meeting_count are not the booking's: the message supplies them (else "-").
        Assert.Equal(
            ["Bio.", "Ravi Kumar", "+91 98765 00000", "CFP", "-", "https://calendly.com/reschedulings/abc", "-", "https://calendly.com/cancellations/abc",
             "What would you like to discuss?: Retirement", "Asha", "Asha Mehta", "Advice call", "https://meet.example.com/abc", "-", "Tue, 24 Nov 2026",
             "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)", "https://calendly.com/reschedulings/abc"],
            rendered);
    }

    [Fact]
    public void MissingAdvisorAndLinksRenderAsDash()
    {
        var booking = Booking() with { JoinUrl = null, RescheduleUrl = "  " };
        Assert.Equal(
            ["-", "-", "-", "-"],
            TemplateRenderer.Render([TemplateVariables.AdvisorName, TemplateVariables.AdvisorBio, TemplateVariables.JoinUrl, TemplateVariables.RescheduleUrl], booking, advisor: null));
    }

    [Fact]
    public void BookingUrlIsTheFirmsSchedulingPageWhenConfiguredElseTheBookingsRescheduleLink()
    {
        Assert.Equal(["https://calendly.com/the-firm"], TemplateRenderer.Render([TemplateVariables.BookingUrl], Booking(), advisor: null, bookingUrl: "https://calendly.com/the-firm"));
        Assert.Equal(["https://calendly.com/reschedulings/abc"], TemplateRenderer.Render([TemplateVariables.BookingUrl], Booking(), advisor: null));
    }

    [Fact]
    public void ClientJourneyTemplatesRenderTheirDefaultParameters()
    {
        var advisor = new Advisor { Email = "ravi@example.com", Name = "Ravi Kumar", Bio = "Bio." };
        Assert.Equal(["Asha Mehta", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)", "Ravi Kumar"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.Reconfirm).ToOptions().Parameters, Booking(), advisor));
        Assert.Equal(["Asha Mehta", "https://calendly.com/reschedulings/abc"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.RescheduleOffer).ToOptions().Parameters, Booking(), advisor));
        Assert.Equal(["Asha Mehta", "Ravi Kumar"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.FollowUp).ToOptions().Parameters, Booking(), advisor));
        Assert.Equal(["Asha Mehta", "Ravi Kumar", "https://calendly.com/the-firm"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.NoShow).ToOptions().Parameters, Booking(), advisor, bookingUrl: "https://calendly.com/the-firm"));
        Assert.Equal(["appt-1:attend", "appt-1:decline", "appt-1:cancel"], MessageTemplates.Of(NotificationKind.Reconfirm).ButtonPayloads("appt-1"));
        Assert.All(MessageTemplates.All.Where(t => t.Kind != NotificationKind.Reconfirm), t => Assert.Empty(t.ButtonPayloads("appt-1")));
    }

    [Theory]
    [InlineData("+919876543210", "+91******3210")]
    [InlineData("+14155550123", "+14*****0123")]
    [InlineData("919876543210", "91******3210")]
    [InlineData("+4512345", "+4****45")]
    [InlineData(null, "")]
    public void PhoneNumbersAreMasked(string? phone, string expected) => Assert.Equal(expected, PhoneMask.Mask(phone));

    internal static BookingDetails Booking() => new()
    {
        InviteeId = "abc",
        InviteeUri = "https://api.calendly.com/scheduled_events/e1/invitees/abc",
        ClientName = "Asha Mehta",
        Phone = "+919876543210",
        TimeZone = "Asia/Kolkata",
        EventName = "Advice call",
        StartTime = TuesdayTenUtc,
        EndTime = TuesdayTenUtc.AddMinutes(30),
        JoinUrl = "https://meet.example.com/abc",
        CancelUrl = "https://calendly.com/cancellations/abc",
        RescheduleUrl = "https://calendly.com/reschedulings/abc",
    };
}
