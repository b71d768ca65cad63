using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;

namespace Turtle.OperationsConsole.Tests;

/// <summary>
/// One Turtle (silo, API, Azurite, fake Graph API) holding bookings in each state the console shows: booked with a
/// delivered confirmation, cancelled, without a phone (two: one to mark handled), two whose confirmation Meta refused
/// for good (one to send again, for which the fake stops failing when a test says so), and one to a number that sent STOP.
/// </summary>
public sealed class ConsoleDeployment : IAsyncLifetime
{
    public TurtleDeployment Turtle { get; } = new();

    public TestBooking Booked { get; } = new(Guid.NewGuid().ToString(), "Asha Rao", "+91 98300 10001", In(TimeSpan.FromDays(2)));
    public TestBooking Cancelled { get; } = new(Guid.NewGuid().ToString(), "Ravi Menon", "+91 98300 10002", In(TimeSpan.FromDays(3)));
    public TestBooking NoPhone { get; } = new(Guid.NewGuid().ToString(), "Kiran Das", null, In(TimeSpan.FromDays(4)));
    public TestBooking Failed { get; } = new(Guid.NewGuid().ToString(), "Meera Pillai", "+91 98300 10004", In(TimeSpan.FromDays(2) + TimeSpan.FromHours(1)));
    public TestBooking Retried { get; } = new(Guid.NewGuid().ToString(), "Dev Kapoor", "+91 98300 10005", In(TimeSpan.FromDays(1) + TimeSpan.FromHours(5)));
    public TestBooking Handled { get; } = new(Guid.NewGuid().ToString(), "Sunil Joshi", null, In(TimeSpan.FromDays(5)));
    public TestBooking OptedOut { get; } = new(Guid.NewGuid().ToString(), "Lata Bose", "+91 98300 10007", In(TimeSpan.FromDays(3) + TimeSpan.FromHours(2)));

    public IReadOnlyList<TestBooking> All => [Booked, Cancelled, NoPhone, Failed, Retried, Handled, OptedOut];

    public Uri Url(string path) => new(Turtle.ApiBase, path);

    public async Task InitializeAsync()
    {
        await Turtle.StartAsync();
        Turtle.WhatsApp.FailAlways(Failed.Phone!, 400, 131026, "(#131026) Message undeliverable");
        Turtle.WhatsApp.FailAlways(Retried.Phone!, 400, 131026, "(#131026) Message undeliverable");
        Assert.Equal(HttpStatusCode.OK, await Turtle.WhatsApp.PostInboundTextAsync(Url("/webhooks/whatsapp"), TurtleDeployment.AppSecret, OptedOut.Phone!, "STOP"));
        using var http = Turtle.CreateClient();
        foreach (var booking in All)
        {
            await PostAsync(http, CalendlyWebhooks.InviteeCreated(booking.Id, booking.Phone, booking.Start, name: booking.Name));
        }
        await PostAsync(http, CalendlyWebhooks.InviteeCanceled(Cancelled.Id, Cancelled.Phone, Cancelled.Start));

        var confirmation = (await Turtle.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{Booked.Id}:Confirmation" && r.MessageId is not null)).Single();
        var status = await Turtle.WhatsApp.PostStatusAsync(Url("/webhooks/whatsapp"), TurtleDeployment.AppSecret,
            confirmation.MessageId!, Booked.Phone!, "delivered", confirmation.BizOpaqueCallbackData);
        Assert.Equal(HttpStatusCode.OK, status);

        await UntilAsync(http, Booked.Id, b => Message(b, "Confirmation") is { } m && m.GetProperty("deliveryStatus").GetString() == "delivered");
        await UntilAsync(http, Failed.Id, b => Message(b, "Confirmation") is { } m && m.GetProperty("state").GetString() == "failed");
        await UntilAsync(http, Cancelled.Id, b => b.GetProperty("status").GetString() == "Cancelled");
        await UntilAsync(http, NoPhone.Id, b => b.GetProperty("status").GetString() == "NoPhone");
        await UntilAsync(http, Retried.Id, b => Message(b, "Confirmation") is { } m && m.GetProperty("state").GetString() == "failed");
        await UntilAsync(http, OptedOut.Id, b => Message(b, "Confirmation") is { } m && m.GetProperty("state").GetString() == "opted-out");
    }

    public async Task DisposeAsync() => await Turtle.DisposeAsync();

    private async Task PostAsync(HttpClient http, string body)
    {
        using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(Turtle.ApiBase, TurtleDeployment.SigningKey, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task UntilAsync(HttpClient http, string id, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement booking = default;
        while (DateTime.UtcNow < deadline)
        {
            booking = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/appointments/{id}", UriKind.Relative));
            if (done(booking))
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"booking {id} did not reach the expected state: {booking}");
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
