using System.Text;
using System.Text.Json.Nodes;
using Turtle.Grains.Appointments;
using Turtle.Grains.Calendly;
using Turtle.Grains.Messaging;
using Turtle.Testing.Calendly;

namespace Turtle.Grains.Tests.Calendly;

public sealed class CalendlyPayloadParserTests
{
    private const string InviteeId = "5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69";

    private readonly CalendlyPayloadParser parser = new(new PhoneNumberNormalizer("IN"));

    [Fact]
    public void InviteeCreatedFillsEveryBookingField()
    {
        var booking = Assert.IsType<InviteeCreatedEvent>(parser.Parse(Payloads.Read(Payloads.Created))).Booking;

        Assert.Equal(InviteeId, booking.InviteeId);
        Assert.Equal("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/5A1C9E0B-7D3F-4C2A-9B8E-1F2D3C4B5A69", booking.InviteeUri);
        Assert.Equal("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2", booking.EventUri);
        Assert.Equal("Priya Sharma", booking.ClientName);
        Assert.Equal("priya.sharma@example.com", booking.ClientEmail);
        Assert.Equal("+919876543210", booking.Phone);
        Assert.Equal("Asia/Kolkata", booking.TimeZone);
        Assert.Equal("Financial Planning Consultation", booking.EventName);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), booking.StartTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 30, 0, TimeSpan.Zero), booking.EndTime);
        Assert.Equal("https://us02web.zoom.us/j/83712345678?pwd=abc123", booking.JoinUrl);
        Assert.Equal($"https://calendly.com/cancellations/{InviteeId}", booking.CancelUrl);
        Assert.Equal($"https://calendly.com/reschedulings/{InviteeId}", booking.RescheduleUrl);
        Assert.Equal(["arjun.mehta@turtle.example"], booking.HostEmails);
        Assert.Equal(["https://api.calendly.com/users/HOSTAAAAAAAAAAAA"], booking.HostUserUris);
        Assert.Null(booking.OldInviteeUri);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 14, 2, TimeSpan.Zero).AddTicks(3456780), booking.CreatedAt);
    }

    /// <summary>Found by the hostile-input property tests: each made the parser throw InvalidOperationException (a 500).</summary>
    public static TheoryData<byte[]> NotText => new()
    {
        "{\"event\":\"invitee.created"u8.ToArray().Append((byte)0xFF).Concat("\"}"u8.ToArray()).ToArray(),
        Encoding.UTF8.GetBytes("{\"event\":\"invitee.created\\ud800\"}"),
        Encoding.UTF8.GetBytes("{\"ev\\udfffent\":\"invitee.created\"}"),
    };

    [Theory]
    [MemberData(nameof(NotText))]
    public void BodyThatIsNotTextIsMalformedNamingTheBody(byte[] body)
    {
        var problem = Assert.Throws<CalendlyPayloadException>(() => parser.Parse(body));

        Assert.Equal("body", problem.Field);
    }

    [Theory]
    [InlineData("start_time", "0001-01-01T00:00:00Z")]
    [InlineData("end_time", "9999-12-31T23:59:59Z")]
    public void MeetingTimeAtTheEndsOfTheCalendarIsMalformed(string field, string time)
    {
        // Found by the hostile-input property tests: planning a bio a day before year 1 overflowed in the grain (a 500).
        var body = Payloads.Edit(Payloads.Created, root => root.ScheduledEvent()[field] = time);

        var problem = Assert.Throws<CalendlyPayloadException>(() => parser.Parse(body));

        Assert.Equal($"payload.scheduled_event.{field}", problem.Field);
    }

    [Fact]
    public void InviteeCanceledCarriesReasonTimeAndBooking()
    {
        var cancellation = Assert.IsType<InviteeCanceledEvent>(parser.Parse(Payloads.Read(Payloads.Canceled))).Cancellation;

        Assert.False(cancellation.Rescheduled);
        Assert.Equal("Travelling that week", cancellation.Reason);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 16, 2, 44, 512, TimeSpan.Zero), cancellation.CanceledAt);
        Assert.Equal(InviteeId, cancellation.Booking.InviteeId);
        Assert.Equal("Priya Sharma", cancellation.Booking.ClientName);
        Assert.Null(cancellation.Booking.Phone);
        Assert.Equal("https://meet.example.com/turtle-advice", cancellation.Booking.JoinUrl);
    }

    [Fact]
    public void RescheduledCancelIsMarkedAndFallsBackToEventTime()
    {
        var body = Payloads.Edit(Payloads.Canceled, root =>
        {
            root.Payload()["rescheduled"] = true;
            root.Payload()["new_invitee"] = "https://api.calendly.com/scheduled_events/OTHER/invitees/11111111-2222-3333-4444-555555555555";
            root.Payload().Remove("cancellation");
        });

        var cancellation = Assert.IsType<InviteeCanceledEvent>(parser.Parse(body)).Cancellation;

        Assert.True(cancellation.Rescheduled);
        Assert.Null(cancellation.Reason);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 16, 2, 45, TimeSpan.Zero), cancellation.CanceledAt);
    }

    [Fact]
    public void RescheduledBookingKeepsTheOldInvitee()
    {
        const string old = "https://api.calendly.com/scheduled_events/OLD/invitees/99999999-8888-7777-6666-555555555555";
        var body = Payloads.Edit(Payloads.Created, root => root.Payload()["old_invitee"] = old);

        Assert.Equal(old, Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking.OldInviteeUri);
    }

    [Fact]
    public void PhoneComesFromWhatsAppQuestionWhenNoReminderNumber()
    {
        var body = Payloads.Edit(Payloads.Created, root => root.Payload()["text_reminder_number"] = null);

        Assert.Equal("+919988776655", Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking.Phone);
    }

    [Fact]
    public void UnusableReminderNumberFallsBackToPhoneQuestion()
    {
        var body = Payloads.Edit(Payloads.Created, root => root.Payload()["text_reminder_number"] = "12");

        Assert.Equal("+919988776655", Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking.Phone);
    }

    [Theory]
    [InlineData("Mobile no.", "98765 43210")]
    [InlineData("Your PHONE (for reminders)", "098765 43210")]
    [InlineData("whatsapp?", "+91 98765 43210")]
    [InlineData("Contact number", "98765 43210")]
    [InlineData("Phone no.", "98765 43210")]
    [InlineData("WhatsApp no", "98765 43210")]
    [InlineData("Mobile/WhatsApp", "98765 43210")]
    public void FirstPhoneLikeQuestionIsUsed(string question, string answer)
    {
        var body = Payloads.Edit(Payloads.Created, root =>
        {
            root.Payload()["text_reminder_number"] = null;
            root.Payload()["questions_and_answers"] = new JsonArray(
                new JsonObject { ["question"] = "Anything else?", ["answer"] = "+91 91234 56789", ["position"] = 0 },
                new JsonObject { ["question"] = question, ["answer"] = answer, ["position"] = 1 },
                new JsonObject { ["question"] = "Alternate phone", ["answer"] = "+91 99887 76655", ["position"] = 2 });
        });

        Assert.Equal("+919876543210", Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking.Phone);
    }

    [Fact]
    public void PhoneCallLocationIsTheNumberAfterTheReminderNumberAndBeforeTheQuestions()
    {
        var withCall = Payloads.Edit(Payloads.Created, root =>
        {
            root.Payload()["text_reminder_number"] = null;
            root.Payload()["scheduled_event"]!["location"] = new JsonObject { ["type"] = "outbound_call", ["location"] = "+91 90000 12345" };
        });
        var withReminder = Payloads.Edit(Payloads.Created, root =>
            root.Payload()["scheduled_event"]!["location"] = new JsonObject { ["type"] = "outbound_call", ["location"] = "+91 90000 12345" });
        var inboundCall = Payloads.Edit(Payloads.Created, root =>
        {
            root.Payload()["text_reminder_number"] = null;
            root.Payload()["scheduled_event"]!["location"] = new JsonObject { ["type"] = "inbound_call", ["location"] = "+91 90000 12345" };
        });

        Assert.Equal("+919000012345", Assert.IsType<InviteeCreatedEvent>(parser.Parse(withCall)).Booking.Phone);
        Assert.Equal("+919876543210", Assert.IsType<InviteeCreatedEvent>(parser.Parse(withReminder)).Booking.Phone);
        // An inbound call's location is the host's number, not the client's: the booking question decides.
        Assert.Equal("+919988776655", Assert.IsType<InviteeCreatedEvent>(parser.Parse(inboundCall)).Booking.Phone);
    }

    [Fact]
    public void TheClientsAnswersAreKeptInOrderForTheAdvisor()
    {
        var booking = Assert.IsType<InviteeCreatedEvent>(parser.Parse(Payloads.Read(Payloads.Created))).Booking;
        var unanswered = Payloads.Edit(Payloads.Created, root => root.Payload()["questions_and_answers"] = new JsonArray(
            new JsonObject { ["question"] = "Anything else?", ["answer"] = "  ", ["position"] = 0 },
            new JsonObject { ["question"] = "Goals", ["answer"] = "Buy a house", ["position"] = 1 }));

        Assert.Equal([new BookingAnswer("What would you like to discuss?", "Retirement planning"), new BookingAnswer("WhatsApp number", "+91 99887 76655")], booking.Answers);
        Assert.Equal([new BookingAnswer("Goals", "Buy a house")], Assert.IsType<InviteeCreatedEvent>(parser.Parse(unanswered)).Booking.Answers);
    }

    [Fact]
    public void NoUsablePhoneLeavesPhoneEmpty()
    {
        var body = Payloads.Edit(Payloads.Created, root =>
        {
            root.Payload()["text_reminder_number"] = "";
            root.Payload()["questions_and_answers"] = new JsonArray(
                new JsonObject { ["question"] = "WhatsApp number", ["answer"] = "I don't use WhatsApp", ["position"] = 0 });
        });

        Assert.Null(Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking.Phone);
    }

    [Fact]
    public void NameFallsBackToFirstAndLastName()
    {
        var body = Payloads.Edit(Payloads.Created, root =>
        {
            root.Payload()["name"] = null;
            root.Payload()["first_name"] = "Priya";
            root.Payload()["last_name"] = "Sharma";
        });

        Assert.Equal("Priya Sharma", Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking.ClientName);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "UTC")]
    [InlineData(null, "UTC")]
    [InlineData("America/New_York", "America/New_York")]
    [InlineData("Europe/London", "Europe/London")]
    public void UnknownOrMissingTimeZoneFallsBackToUtc(string? zone, string expected)
    {
        var body = Payloads.Edit(Payloads.Created, root => root.Payload()["timezone"] = zone);

        Assert.Equal(expected, Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking.TimeZone);
    }

    [Theory]
    [InlineData("physical", "Turtle office, 3rd floor", null)]
    [InlineData("custom", "http://meet.example.com/x", "http://meet.example.com/x")]
    [InlineData("custom", "ftp://files.example.com/x", null)]
    public void JoinUrlIsTakenFromLocationOnlyWhenItIsAWebAddress(string type, string location, string? expected)
    {
        var body = Payloads.Edit(Payloads.Created, root =>
            root.ScheduledEvent()["location"] = new JsonObject { ["type"] = type, ["location"] = location });

        Assert.Equal(expected, Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking.JoinUrl);
    }

    [Fact]
    public void CreatedAtDefaultsToEventTimeAndHostsAndPlaceAreOptional()
    {
        var body = Payloads.Edit(Payloads.Created, root =>
        {
            root.Payload().Remove("created_at");
            root.ScheduledEvent().Remove("event_memberships");
            root.ScheduledEvent().Remove("location");
        });

        var booking = Assert.IsType<InviteeCreatedEvent>(parser.Parse(body)).Booking;

        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 14, 3, TimeSpan.Zero), booking.CreatedAt);
        Assert.Empty(booking.HostEmails);
        Assert.Null(booking.JoinUrl);
    }

    [Theory]
    [InlineData("routing_form_submission.created")]
    [InlineData("event_type.updated")]
    [InlineData("INVITEE.CREATED")]
    public void OtherEventTypesAreIgnoredWithoutReadingThePayload(string type)
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"event":"{{{type}}}","payload":{"anything":1}}""");

        Assert.Equal(type, Assert.IsType<IgnoredEvent>(parser.Parse(body)).EventType);
    }

    [Theory]
    [InlineData("event")]
    [InlineData("payload")]
    [InlineData("payload.uri")]
    [InlineData("payload.scheduled_event")]
    [InlineData("payload.scheduled_event.start_time")]
    public void MissingRequiredFieldIsNamed(string path)
    {
        var body = Payloads.Edit(Payloads.Created, root =>
        {
            var segments = path.Split('.');
            var parent = segments[..^1].Aggregate(root, (node, name) => node[name]!.AsObject());
            parent.Remove(segments[^1]);
        });

        var error = Assert.Throws<CalendlyPayloadException>(() => parser.Parse(body));

        Assert.Equal(path, error.Field);
        Assert.Equal("required", error.Problem);
    }

    [Fact]
    public void MissingNameIsNamed()
    {
        var body = Payloads.Edit(Payloads.Created, root => root.Payload().Remove("name"));

        Assert.Equal("payload.name", Assert.Throws<CalendlyPayloadException>(() => parser.Parse(body)).Field);
    }

    [Theory]
    [InlineData("payload.uri", 42)]
    [InlineData("payload.scheduled_event.start_time", "next tuesday")]
    [InlineData("payload.scheduled_event.end_time", "2026-11-25T09:00:00Z")]
    [InlineData("payload.rescheduled", "yes")]
    [InlineData("payload.questions_and_answers", "none")]
    [InlineData("payload.scheduled_event.location", "Zoom")]
    [InlineData("payload.uri", "https://api.calendly.com/scheduled_events/X/invitees/not an id!")]
    [InlineData("payload.uri", "https://api.calendly.com/scheduled_events/X/invitees/0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void WrongValueIsNamed(string path, object value)
    {
        var body = Payloads.Edit(Payloads.Canceled, root =>
        {
            var segments = path.Split('.');
            var parent = segments[..^1].Aggregate(root, (node, name) => node[name]!.AsObject());
            parent[segments[^1]] = JsonValue.Create(value);
        });

        Assert.Equal(path, Assert.Throws<CalendlyPayloadException>(() => parser.Parse(body)).Field);
    }

    [Fact]
    public void WrongValueInsideAnArrayIsNamedWithItsIndex()
    {
        var body = Payloads.Edit(Payloads.Created, root =>
        {
            root.Payload()["text_reminder_number"] = null;
            root.Payload()["questions_and_answers"]![1]!["answer"] = 12;
        });

        Assert.Equal("payload.questions_and_answers[1].answer", Assert.Throws<CalendlyPayloadException>(() => parser.Parse(body)).Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"event\":")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void MalformedBodyIsNamed(string text) =>
        Assert.Equal("body", Assert.Throws<CalendlyPayloadException>(() => parser.Parse(Encoding.UTF8.GetBytes(text))).Field);
}
