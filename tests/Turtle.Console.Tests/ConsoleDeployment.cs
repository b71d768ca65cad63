using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;

namespace Turtle.OperationsConsole.Tests;

/// <summary>
/// One Turtle (silo, API, Azurite, fake Graph API) holding bookings in each state the console shows: booked with a
/// delivered confirmation, cancelled, rescheduled (the earlier booking and the new one naming it), without a phone (two:
/// one to mark handled), without an advisor (booked while the sheet had no active advisor), two whose confirmation Meta
/// refused for good (one to send again, for which the fake stops failing when a test says so), one to a number that sent
/// STOP, one the client declined on the attendance check, one Calendly marked a no-show, one the client wrote in about,
/// and one whose advisor has no phone in the sheet: between them, every reason of the attention list.
/// </summary>
public sealed class ConsoleDeployment : IAsyncLifetime
{
    private const string AdvisorSheetHeader = "Email,Name,Title,Bio,Phone,Active\n";
    private const string NoPhoneAdvisor = "meera.iyer@turtle.example";

    private readonly string _sheet = Path.Combine(Path.GetTempPath(), $"turtle-console-advisors-{Guid.NewGuid():N}.csv");

    public ConsoleDeployment() => Turtle = new(new Dictionary<string, string?>
    {
        ["Advisors__Source"] = "Csv",
        ["Advisors__CsvPath"] = _sheet,
        // The no-advisor booking is stored while the sheet has no active advisor; the bookings after it, once it has:
        // the lookup workers' copies of the directory must be this fresh for that to be seen at once.
        ["Advisors__LookupCacheDuration"] = "00:00:01",
        // Every test signs in afresh from this one address, more often than a person would; the limit has its own tests.
        ["Limits__SignInPerMinute"] = "1000",
        // The erasure a console test makes deletes the client's record (the API's tests keep it, the default).
        ["Records__KeepForRegulator"] = "false",
    });

    public TurtleDeployment Turtle { get; }

    public TestBooking Booked { get; } = new(Guid.NewGuid().ToString(), "Asha Rao", "+91 98300 10001", In(TimeSpan.FromDays(2)));
    public TestBooking Cancelled { get; } = new(Guid.NewGuid().ToString(), "Ravi Menon", "+91 98300 10002", In(TimeSpan.FromDays(3)));
    public TestBooking NoPhone { get; } = new(Guid.NewGuid().ToString(), "Kiran Das", null, In(TimeSpan.FromDays(4)));
    public TestBooking Failed { get; } = new(Guid.NewGuid().ToString(), "Meera Pillai", "+91 98300 10004", In(TimeSpan.FromDays(2) + TimeSpan.FromHours(1)));
    public TestBooking Retried { get; } = new(Guid.NewGuid().ToString(), "Dev Kapoor", "+91 98300 10005", In(TimeSpan.FromDays(1) + TimeSpan.FromHours(5)));
    public TestBooking Handled { get; } = new(Guid.NewGuid().ToString(), "Sunil Joshi", null, In(TimeSpan.FromDays(5)));
    public TestBooking OptedOut { get; } = new(Guid.NewGuid().ToString(), "Lata Bose", "+91 98300 10007", In(TimeSpan.FromDays(3) + TimeSpan.FromHours(2)));

    /// <summary>Calendly's reschedule: this invitee is cancelled with <c>rescheduled=true</c> and <see cref="RescheduledTo"/> names it.</summary>
    public TestBooking RescheduledFrom { get; } = new(Guid.NewGuid().ToString(), "Nisha Verma", "+91 98300 10008", In(TimeSpan.FromDays(3) + TimeSpan.FromHours(4)));
    public TestBooking RescheduledTo { get; } = new(Guid.NewGuid().ToString(), "Nisha Verma", "+91 98300 10008", In(TimeSpan.FromDays(6)));
    public TestBooking NoAdvisor { get; } = new(Guid.NewGuid().ToString(), "Farah Khan", "+91 98300 10009", In(TimeSpan.FromDays(6) + TimeSpan.FromHours(2)));

    /// <summary>Starts just past the attendance check's lead time (4 h), so the check goes out seconds after booking.</summary>
    /// <summary>Its attendance check falls due 12 s after it is booked (its start is set then, not when the deployment starts).</summary>
    public TestBooking Declined { get; private set; } = new(Guid.NewGuid().ToString(), "Rohan Gupta", "+91 98300 10010", DateTimeOffset.UtcNow + TimeSpan.FromHours(4) + TimeSpan.FromSeconds(12));
    public TestBooking NoShow { get; } = new(Guid.NewGuid().ToString(), "Anil Nair", "+91 98300 10011", In(TimeSpan.FromDays(1) + TimeSpan.FromHours(3)));
    public TestBooking Replied { get; } = new(Guid.NewGuid().ToString(), "Pooja Reddy", "+91 98300 10012", In(TimeSpan.FromDays(2) + TimeSpan.FromHours(3)));

    /// <summary>Hosted by the sheet's advisor without a phone, who is not told of it.</summary>
    public TestBooking AdvisorNoPhone { get; } = new(Guid.NewGuid().ToString(), "Vikram Singh", "+91 98300 10013", In(TimeSpan.FromDays(4) + TimeSpan.FromHours(3)));

    public const string ReplyText = "Can we meet at your office instead?";

    public IReadOnlyList<TestBooking> All =>
        [Booked, Cancelled, NoPhone, Failed, Retried, Handled, OptedOut, RescheduledFrom, RescheduledTo, NoAdvisor, Declined, NoShow, Replied, AdvisorNoPhone];

    public Uri Url(string path) => new(Turtle.ApiBase, path);

    public async Task InitializeAsync()
    {
        await WriteSheetAsync(active: false);
        await Turtle.StartAsync();
        using var http = Turtle.CreateClient();
        await PostAsync(http, CalendlyWebhooks.InviteeCreated(NoAdvisor.Id, NoAdvisor.Phone, NoAdvisor.Start, name: NoAdvisor.Name));
        await WriteSheetAsync(active: true);
        using (var refreshed = await http.PostAsync(new Uri("/api/advisors/refresh", UriKind.Relative), content: null))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }
        // Past the lookup workers' copy of the directory without an active advisor.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // First, so its attendance check falls due while the others are booked.
        // A start-up slower than its lead would leave the attendance check past due at booking, and so skipped.
        Declined = Declined with { Start = DateTimeOffset.UtcNow + TimeSpan.FromHours(4) + TimeSpan.FromSeconds(12) };
        await PostAsync(http, CalendlyWebhooks.InviteeCreated(Declined.Id, Declined.Phone, Declined.Start, name: Declined.Name));

        Turtle.WhatsApp.FailAlways(Failed.Phone!, 400, 131026, "(#131026) Message undeliverable");
        Turtle.WhatsApp.FailAlways(Retried.Phone!, 400, 131026, "(#131026) Message undeliverable");
        Assert.Equal(HttpStatusCode.OK, await Turtle.WhatsApp.PostInboundTextAsync(Url("/webhooks/whatsapp"), TurtleDeployment.AppSecret, OptedOut.Phone!, "STOP"));
        foreach (var booking in new[] { Booked, Cancelled, NoPhone, Failed, Retried, Handled, OptedOut, RescheduledFrom, NoShow, Replied })
        {
            await PostAsync(http, CalendlyWebhooks.InviteeCreated(booking.Id, booking.Phone, booking.Start, name: booking.Name));
        }
        await PostAsync(http, CalendlyWebhooks.InviteeCreated(AdvisorNoPhone.Id, AdvisorNoPhone.Phone, AdvisorNoPhone.Start, hostEmail: NoPhoneAdvisor, name: AdvisorNoPhone.Name));
        await PostAsync(http, CalendlyWebhooks.InviteeCanceled(Cancelled.Id, Cancelled.Phone, Cancelled.Start));
        await PostAsync(http, CalendlyWebhooks.InviteeCanceled(RescheduledFrom.Id, RescheduledFrom.Phone, RescheduledFrom.Start, rescheduled: true, name: RescheduledFrom.Name));
        await PostAsync(http, CalendlyWebhooks.InviteeCreated(RescheduledTo.Id, RescheduledTo.Phone, RescheduledTo.Start, oldInviteeId: RescheduledFrom.Id, name: RescheduledTo.Name));
        await PostAsync(http, CalendlyWebhooks.InviteeNoShow(NoShow.Id, NoShow.Phone, NoShow.Start));
        Assert.Equal(HttpStatusCode.OK, await Turtle.WhatsApp.PostInboundTextAsync(Url("/webhooks/whatsapp"), TurtleDeployment.AppSecret, Replied.Phone!, ReplyText));

        var confirmation = (await Turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{Booked.Id}:Confirmation" && r.MessageId is not null)).Single();
        var status = await Turtle.WhatsApp.PostStatusAsync(Url("/webhooks/whatsapp"), TurtleDeployment.AppSecret,
            confirmation.MessageId!, Booked.Phone!, "delivered", confirmation.BizOpaqueCallbackData);
        Assert.Equal(HttpStatusCode.OK, status);

        // The client taps "decline" on the attendance check.
        var reconfirm = (await Turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{Declined.Id}:Reconfirm" && r.MessageId is not null)).Single();
        Assert.Equal(HttpStatusCode.OK, await Turtle.WhatsApp.PostButtonTapAsync(Url("/webhooks/whatsapp"), TurtleDeployment.AppSecret,
            Declined.Phone!, $"{Declined.Id}:decline", "No, I cannot make it", reconfirm.MessageId));

        await UntilAsync(http, Booked.Id, b => Message(b, "Confirmation") is { } m && m.GetProperty("deliveryStatus").GetString() == "delivered");
        await UntilAsync(http, Failed.Id, b => Message(b, "Confirmation") is { } m && m.GetProperty("state").GetString() == "failed");
        await UntilAsync(http, Cancelled.Id, b => b.GetProperty("status").GetString() == "Cancelled");
        await UntilAsync(http, NoPhone.Id, b => b.GetProperty("status").GetString() == "NoPhone");
        await UntilAsync(http, Retried.Id, b => Message(b, "Confirmation") is { } m && m.GetProperty("state").GetString() == "failed");
        await UntilAsync(http, OptedOut.Id, b => Message(b, "Confirmation") is { } m && m.GetProperty("state").GetString() == "opted-out");
        await UntilAsync(http, RescheduledFrom.Id, b => b.GetProperty("status").GetString() == "Rescheduled");
        await UntilAsync(http, RescheduledTo.Id, b => Message(b, "Rescheduled") is { } m && m.GetProperty("state").GetString() == "sent");
        await UntilAsync(http, NoAdvisor.Id, b => b.GetProperty("status").GetString() == "NoAdvisor");
        await UntilAsync(http, Declined.Id, b => b.GetProperty("attendance").GetString() == "declined");
        await UntilAsync(http, NoShow.Id, b => b.GetProperty("attendance").GetString() == "no-show");
        await UntilAsync(http, Replied.Id, b => b.GetProperty("replies").GetArrayLength() == 1);
        await UntilAttentionAsync(http, [(Declined, "declined"), (NoShow, "no-show"), (Replied, "client-replied"), (AdvisorNoPhone, "advisor-no-phone"), (NoAdvisor, "no-advisor")]);
    }

    public async Task DisposeAsync()
    {
        await Turtle.DisposeAsync();
        File.Delete(_sheet);
    }

    /// <summary>The firm's three advisors; the third has no phone. Inactive, the sheet has no advisor to assign.</summary>
    private Task WriteSheetAsync(bool active)
    {
        var yes = active ? "yes" : "no";
        return File.WriteAllTextAsync(_sheet, AdvisorSheetHeader +
            $"priya.sharma@turtle.example,Priya Sharma,Senior Wealth Advisor,Priya plans retirements and education funds.,+919876500001,{yes}\n" +
            $"arjun.mehta@turtle.example,Arjun Mehta,Tax and Investment Advisor,Arjun makes tax-efficient investment choices.,+919876500002,{yes}\n" +
            $"{NoPhoneAdvisor},Meera Iyer,Retirement Specialist,Meera plans pensions and withdrawals.,,{yes}\n");
    }

    private async Task PostAsync(HttpClient http, string body)
    {
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(Turtle.ApiBase, TurtleDeployment.SigningKey, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task UntilAsync(HttpClient http, string id, Func<JsonElement, bool> done) =>
        UntilAnswerAsync(http, $"/api/appointments/{id}", done, $"booking {id} did not reach the expected state");

    /// <summary>Waits until the attention list has each booking under its reason (the bookings tell the list after their write).</summary>
    private static Task UntilAttentionAsync(HttpClient http, IReadOnlyList<(TestBooking Booking, string Reason)> expected) =>
        UntilAnswerAsync(http, "/api/attention", list =>
        {
            var items = list.GetProperty("items").EnumerateArray()
                .Select(i => (i.GetProperty("appointmentId").GetString(), i.GetProperty("reason").GetString())).ToHashSet();
            return expected.All(e => items.Contains((e.Booking.Id, e.Reason)));
        }, $"the attention list did not list {string.Join(", ", expected.Select(e => $"{e.Booking.Name} under {e.Reason}"))}");

    private static async Task UntilAnswerAsync(HttpClient http, string path, Func<JsonElement, bool> done, string failure)
    {
        var answer = await Eventually.ReadAsync(() => http.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative)), done, TimeSpan.FromSeconds(30));
        if (!done(answer))
        {
            Assert.Fail($"{failure}: {answer}");
        }
    }

    private static JsonElement? Message(JsonElement booking, string kind) =>
        booking.GetProperty("notifications").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(n => n!.Value.GetProperty("kind").GetString() == kind);

    private static DateTimeOffset In(TimeSpan span)
    {
        var at = DateTimeOffset.UtcNow + span;
        return new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
    }
}

public sealed record TestBooking(string Id, string Name, string? Phone, DateTimeOffset Start)
{
    /// <summary>The national digits, which must never appear on a page.</summary>
    public string? NationalDigits => Phone is null ? null : string.Concat(Phone.Where(char.IsAsciiDigit))[2..];
}

[CollectionDefinition(Name)]
public sealed class ConsoleDeploymentGroup : ICollectionFixture<ConsoleDeployment>
{
    public const string Name = "console";
}
