using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Identity;
using Turtle.Testing.Processes;

namespace Turtle.OperationsConsole.Tests;

/// <summary>
/// A Turtle whose console signs people in at the firm's provider (OpenIddict's server in this process): the viewer by
/// the <c>Auth:Roles:viewer</c> e-mail list, the operator and the admin by the provider's <c>roles</c> claim. Two bookings'
/// confirmations failed for good, one for the HTTP tests and one for the browser's, each to be sent again once.
/// </summary>
public sealed class ProviderDeployment : IAsyncLifetime
{
    public FirmIdentityProvider Provider { get; private set; } = null!;
    public TurtleDeployment Turtle { get; private set; } = null!;

    public TestBooking FailedForHttp { get; } = new(Guid.NewGuid().ToString(), "Zoya Sen", "+91 98300 20001", DateTimeOffset.UtcNow.AddDays(2));
    public TestBooking FailedForBrowser { get; } = new(Guid.NewGuid().ToString(), "Yash Bhat", "+91 98300 20002", DateTimeOffset.UtcNow.AddDays(2).AddHours(1));

    public Uri Url(string path) => new(Turtle.ApiBase, path);

    public async Task InitializeAsync()
    {
        Provider = await FirmIdentityProvider.StartAsync();
        // Every test signs in afresh from this one address, more often than a person would; the limit has its own tests.
        Turtle = new TurtleDeployment(new Dictionary<string, string?>(Provider.TurtleSettings) { ["Limits__SignInPerMinute"] = "1000" });
        await Turtle.StartAsync();
        using var http = Turtle.CreateClient();
        foreach (var booking in new[] { FailedForHttp, FailedForBrowser })
        {
            Turtle.WhatsApp.FailAlways(booking.Phone!, 400, 131026, "(#131026) Message undeliverable");
            using var response = await http.SendAsync(CalendlyWebhooks.SignedRequest(Turtle.ApiBase, TurtleDeployment.SigningKey,
                CalendlyWebhooks.InviteeCreated(booking.Id, booking.Phone, booking.Start, name: booking.Name)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var booking in new[] { FailedForHttp, FailedForBrowser })
        {
            var state = await Eventually.ReadAsync(() => ConfirmationStateAsync(http, booking.Id), s => s == "failed", TimeSpan.FromSeconds(30));
            Assert.Equal("failed", state);
        }
    }

    /// <summary>The state of the booking's confirmation as the API shows it (<c>failed</c>, <c>sent</c>, …).</summary>
    public static async Task<string?> ConfirmationStateAsync(HttpClient http, string id)
    {
        var booking = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/appointments/{id}", UriKind.Relative));
        return booking.GetProperty("notifications").EnumerateArray()
            .First(n => n.GetProperty("kind").GetString() == "Confirmation").GetProperty("state").GetString();
    }

    public async Task DisposeAsync()
    {
        if (Turtle is not null)
        {
            await Turtle.DisposeAsync();
        }
        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ProviderDeploymentGroup : ICollectionFixture<ProviderDeployment>
{
    public const string Name = "provider";
}
