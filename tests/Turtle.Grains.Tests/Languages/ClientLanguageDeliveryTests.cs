using Turtle.Grains.Appointments;
using Turtle.Grains.Templates;
using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Languages;

/// <summary>A firm writing in English and Hindi, with Indian numbers in Hindi unless the client said otherwise.</summary>
public sealed class LanguageClusterFixture : TurtleClusterFixture
{
    protected override int Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WhatsApp:Languages:0"] = "en",
        ["WhatsApp:Languages:1"] = "hi",
        ["Notifications:LanguageByCountry:IN"] = "hi",
    };
}

/// <summary>SPEC §15 on a cluster: each client's messages in their language's template, else the default, once.</summary>
public class ClientLanguageDeliveryTests(LanguageClusterFixture fixture) : IClassFixture<LanguageClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private IAppointmentGrain Grain(BookingDetails booking) => fixture.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId);

    [Fact]
    public async Task EachClientIsWrittenToInTheirLanguage()
    {
        var hindi = Bookings.New(TimeSpan.FromDays(3));
        var english = Bookings.New(TimeSpan.FromDays(3)) with { Answers = [new BookingAnswer("Preferred language", "English")] };

        await Grain(hindi).BookAsync(hindi);
        await Grain(english).BookAsync(english);

        var hi = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(hindi, NotificationKind.Confirmation), 1, Wait)).Single();
        var en = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(english, NotificationKind.Confirmation), 1, Wait)).Single();
        Assert.Equal(("hi", "en"), (hi.Language, en.Language));
        // The meeting's day and month are written in Devanagari for the Hindi reader, in English for the others.
        Assert.Contains(hi.Parameters[1], c => c is >= '\u0900' and <= '\u097F');
        Assert.DoesNotContain(en.Parameters[1], c => c is >= '\u0900' and <= '\u097F');
        Assert.Equal("hi", (await Grain(hindi).GetAsync())!.Language);
        Assert.Equal("en", (await Grain(english).GetAsync())!.Language);
    }

    [Fact]
    public async Task ALanguageMetaHasNoTemplateInGoesOnceInTheDefaultAndTheHistorySaysSo()
    {
        // Meta holds the confirmation's template in English only: a Hindi send is answered 132001.
        fixture.WhatsApp.SeedTemplate("turtle_booking_confirmation", "en", "APPROVED");
        try
        {
            var booking = Bookings.New(TimeSpan.FromDays(3));
            await Grain(booking).BookAsync(booking);

            var sent = await Eventually.ReadAsync(async () => (await Grain(booking).GetAsync())!, b => b.Notifications.Single(n => n.Kind == NotificationKind.Confirmation).State == NotificationState.Sent, Wait);
            var requests = fixture.WhatsApp.Requests.Where(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Confirmation)).ToList();
            Assert.Equal([("hi", 404), ("en", 200)], requests.Select(r => (r.Language, r.StatusCode)));
            Assert.Contains(sent.History, h => h.What.Contains("sent in the default language instead", StringComparison.Ordinal) && h.What.Contains("132001", StringComparison.Ordinal));
            Assert.NotEqual(NotificationState.Failed, sent.Notifications.Single(n => n.Kind == NotificationKind.Confirmation).State);
        }
        finally
        {
            fixture.WhatsApp.RemoveTemplate("turtle_booking_confirmation");
        }
    }

    [Fact]
    public async Task ALanguageWhoseTemplateMetaRejectedGoesInTheDefaultWithoutTryingIt()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));
        await Grain(booking).BookAsync(booking);
        var key = TemplateKey.Of("turtle_booking_cancelled", "hi");
        await fixture.Grains.GetGrain<ITemplateGrain>(key).ApplyAsync(new TemplateUpdate
        {
            Field = TemplateUpdateField.Status,
            Name = "turtle_booking_cancelled",
            Language = "hi",
            Event = "REJECTED",
            Reason = "INVALID_FORMAT",
            At = DateTimeOffset.UtcNow,
        });
        try
        {
            await Grain(booking).CancelAsync(Bookings.Cancel(booking));

            var cancellation = (await fixture.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Cancellation), 1, Wait)).Single();
            Assert.Equal("en", cancellation.Language);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Single(fixture.WhatsApp.Requests, r => r.BizOpaqueCallbackData == Bookings.Tag(booking, NotificationKind.Cancellation));
            Assert.Contains((await Grain(booking).GetAsync())!.History, h => h.What.Contains("REJECTED", StringComparison.Ordinal) && h.What.Contains("default language", StringComparison.Ordinal));
        }
        finally
        {
            await fixture.Grains.GetGrain<ITemplateGrain>(key).ApplyAsync(new TemplateUpdate
            {
                Field = TemplateUpdateField.Status,
                Name = "turtle_booking_cancelled",
                Language = "hi",
                Event = "APPROVED",
                At = DateTimeOffset.UtcNow,
            });
        }
    }
}
