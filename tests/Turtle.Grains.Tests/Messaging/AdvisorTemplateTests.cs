using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Messaging;

/// <summary>What the advisor reads (SPEC §6): times in the firm's zone, the client's answers, the day's agenda.</summary>
public sealed class AdvisorTemplateTests
{
    private static readonly Advisor Ravi = new() { Email = "ravi@example.com", Name = "Ravi Kumar", Bio = "Bio.", Phone = "+91 98765 00000" };

    [Fact]
    public void TheNewBookingNoticeShowsTheClientsAnswersButNotTheirNumber()
    {
        var booking = TemplateRendererTests.Booking() with
        {
            TimeZone = "America/New_York",
            Answers =
            [
                new("What would you like to discuss?", "Retirement\nand  school fees"),
                new("WhatsApp number", "+91 98765 43210"),
                new("Anything else:", "Married, two children"),
            ],
        };
        var message = new OutgoingMessage("abc", NotificationKind.AdvisorBooked, booking, Ravi) { To = "+919876500000", TimeZone = "Asia/Kolkata" };

        var parameters = TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.AdvisorBooked).ToOptions().Parameters, message);

        // The advisor reads the firm's time, not the client's New York one.
        Assert.Equal(
            ["Ravi Kumar", "Asha Mehta", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)",
             "What would you like to discuss?: Retirement and school fees; Anything else: Married, two children"],
            parameters);
        Assert.DoesNotContain(parameters, p => p.Contains("43210", StringComparison.Ordinal));
    }

    [Fact]
    public void TheCancelledNoticeCarriesTheReasonTheMessageGives()
    {
        var message = new OutgoingMessage("abc", NotificationKind.AdvisorCancelled, TemplateRendererTests.Booking(), Ravi)
        {
            Values = new Dictionary<string, string?> { [TemplateVariables.CancelReason] = "Something came up" },
        };

        Assert.Equal(
            ["Ravi Kumar", "Asha Mehta", "Tue, 24 Nov 2026, 3:30 PM (GMT+05:30)", "Something came up"],
            TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.AdvisorCancelled).ToOptions().Parameters, message));
    }

    [Fact]
    public void TheAgendaNeedsNoBooking()
    {
        var message = new OutgoingMessage("agenda:2026-11-24/ravi@example.com", NotificationKind.AdvisorAgenda, Booking: null, Ravi)
        {
            To = "+919876500000",
            Values = new Dictionary<string, string?> { [TemplateVariables.MeetingCount] = "2", [TemplateVariables.Agenda] = "10:00 Asha R.; 14:30 Ravi M." },
        };

        var parameters = TemplateRenderer.Render(MessageTemplates.Of(NotificationKind.AdvisorAgenda).ToOptions().Parameters, message);

        Assert.Equal(["Ravi Kumar", "2", "10:00 Asha R.; 14:30 Ravi M."], parameters);
        Assert.Equal("Good morning Ravi Kumar, you have 2 meeting(s) today: 10:00 Asha R.; 14:30 Ravi M. Have a good day.",
            MessageTemplates.Of(NotificationKind.AdvisorAgenda).Fill(parameters));
        Assert.Equal("-", TemplateRenderer.Sanitize(TemplateRenderer.Resolve(TemplateVariables.MeetingTime, booking: null, Ravi)));
    }

    [Theory]
    [InlineData(NotificationKind.AdvisorBooked, "turtle_advisor_new_booking", "advisor_name,client_name,meeting_time,client_answers")]
    [InlineData(NotificationKind.AdvisorCancelled, "turtle_advisor_booking_cancelled", "advisor_name,client_name,meeting_time,cancel_reason")]
    [InlineData(NotificationKind.AdvisorDeclined, "turtle_advisor_client_declined", "advisor_name,client_name,meeting_time")]
    [InlineData(NotificationKind.AdvisorAgenda, "turtle_advisor_daily_agenda", "advisor_name,meeting_count,agenda")]
    public void AdvisorKindsHaveTheSpecsDefaultTemplates(NotificationKind kind, string name, string parameters)
    {
        var template = MessageTemplates.Of(kind);

        Assert.Equal(name, template.Name);
        Assert.Equal(parameters.Split(','), template.Parameters);
    }
}
