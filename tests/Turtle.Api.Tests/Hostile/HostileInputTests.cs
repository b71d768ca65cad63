using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Turtle.Api.Webhooks;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Xunit.Abstractions;

namespace Turtle.Api.Tests.Hostile;

/// <summary>
/// Valid Calendly and Meta webhooks, mutated (types, missing and repeated fields, huge strings, deep nesting, bytes that
/// are not UTF-8, impossible dates, unknown event and status values, 10,000-element arrays) and posted to the real API on
/// a real cluster, signed and unsigned: never a 5xx, and without a valid signature never a change.
/// </summary>
[Collection(HostileGroup.Name)]
public sealed class HostileInputTests(HostileApi api, ITestOutputHelper output)
{
    private const string Calendly = CalendlyWebhookEndpoints.Route;
    private const string Meta = "/webhooks/whatsapp";

    /// <summary>Bodies per property; <c>TURTLE_HOSTILE_ITERATIONS</c> raises it for a longer hunt.</summary>
    private static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("TURTLE_HOSTILE_ITERATIONS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 400;

    private static readonly Gen<(Mutation[] Plan, int Base, int Variant)> Input = Gen.Select(JsonMutations.Plan, Gen.Int[0, 2], Gen.Int[0, 4]);

    [Fact]
    public async Task SignedMutatedCalendlyWebhooksAreAnsweredWithoutServerError()
    {
        var (tried, answers) = await HuntAsync(Calendly, CalendlyWebhookEndpoints.MaxBodyBytes, CalendlySignature.Header, input =>
        {
            var phone = $"+91 98{Random.Shared.Next(100_000_000):000000000}"[..15];
            var body = JsonMutations.Apply(CalendlyBase(input.Base, Guid.NewGuid().ToString(), phone, DateTimeOffset.UtcNow.AddDays(3)), input.Plan);
            return (body, HostileApi.SignCalendly(body));
        }, status => status < 500);

        Report($"hostile input: {tried} signed mutated Calendly webhooks, answers {answers}");
    }

    [Fact]
    public async Task UnsignedMutatedCalendlyWebhooksAreRefusedAndChangeNothing()
    {
        // Every body is about a meeting in one hour of a far day and to numbers of one range: nothing may appear there.
        var window = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(20).AddHours(7), TimeSpan.Zero);
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var (tried, answers) = await HuntAsync(Calendly, CalendlyWebhookEndpoints.MaxBodyBytes, CalendlySignature.Header, input =>
        {
            var id = Guid.NewGuid().ToString();
            ids.Add(id);
            var phone = "+91 97000 " + Random.Shared.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture);
            var valid = CalendlyBase(input.Base, id, phone, window.AddMinutes(Random.Shared.Next(50)));
            return Forge(input, valid, input.Variant switch
            {
                0 => _ => null,
                1 => _ => "t=1,v1=00",
                3 => body => HostileApi.SignCalendly(body, DateTimeOffset.UtcNow.AddMinutes(-10)),
                _ => body => HostileApi.SignCalendly(body, key: "not-the-signing-key"),
            }, body => HostileApi.SignCalendly(body));
        }, status => status is 401 or 413);

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(api.WhatsApp.Requests, r => r.To?.StartsWith("9197000", StringComparison.Ordinal) == true);
        using var listed = await api.Http.GetAsync(new Uri($"/api/appointments?from={Iso(window.AddHours(-1))}&to={Iso(window.AddHours(2))}", UriKind.Relative));
        Assert.Equal("[]", await listed.Content.ReadAsStringAsync());
        foreach (var id in ids.Take(50))
        {
            Assert.Null(await api.GetAppointmentAsync(id));
        }
        Report($"hostile input: {tried} unsigned or badly signed mutated Calendly webhooks, answers {answers}, bookings made 0");
    }

    [Fact]
    public async Task SignedMutatedMetaWebhooksAreAnsweredWithoutServerError()
    {
        var booking = await api.BookAsync("+91 96000 10001", DateTimeOffset.UtcNow.AddDays(4));
        var sent = await api.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{booking}:Confirmation");
        var (tried, answers) = await HuntAsync(Meta, WhatsAppWebhookEndpoints.MaxBodyBytes, MetaSignature.Header, input =>
        {
            var body = JsonMutations.Apply(MetaBase(input.Base, booking, sent[0].MessageId!, "919600010001"), input.Plan);
            return (body, HostileApi.SignMeta(body));
        }, status => status < 500);

        Report($"hostile input: {tried} signed mutated Meta webhooks, answers {answers}");
    }

    [Fact]
    public async Task UnsignedMutatedMetaWebhooksAreRefusedAndChangeNothing()
    {
        var phone = "+91 96000 20002";
        var booking = await api.BookAsync(phone, DateTimeOffset.UtcNow.AddDays(4));
        var sent = await api.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{booking}:Confirmation");
        var before = await SettledAsync(booking);
        var (tried, answers) = await HuntAsync(Meta, WhatsAppWebhookEndpoints.MaxBodyBytes, MetaSignature.Header, input =>
            Forge(input, MetaBase(input.Base, booking, sent[0].MessageId!, "919600020002"), input.Variant switch
            {
                0 => _ => null,
                1 => _ => "sha256=zz",
                3 => body => "sha1=" + HostileApi.SignMeta(body)[7..],
                _ => body => HostileApi.SignMeta(body, "not-the-app-secret"),
            }, body => HostileApi.SignMeta(body)), status => status is 401 or 413);

        Assert.Equal(before, (await api.GetAppointmentAsync(booking))!.Value.GetRawText());
        // No STOP got through: the number still gets a new booking's confirmation (once the pair spacing lets it go,
        // which may be after the webhook was answered).
        var again = await api.BookAsync(phone, DateTimeOffset.UtcNow.AddDays(5));
        await api.WhatsApp.WaitForRequestsAsync(r => r.BizOpaqueCallbackData == $"{again}:Confirmation" && r.MessageId is not null);
        Report($"hostile input: {tried} unsigned or badly signed mutated Meta webhooks, answers {answers}, changes 0");
    }

    /// <summary>
    /// The booking once every message due has gone out (the advisor's notice waits for its number's slot and may go after
    /// the client's confirmation): from then on only a webhook could change it.
    /// </summary>
    private async Task<string> SettledAsync(string booking)
    {
        var text = string.Empty;
        await Eventually.HoldsAsync(async () =>
        {
            var view = (await api.GetAppointmentAsync(booking))!.Value;
            text = view.GetRawText();
            return view.GetProperty("notifications").EnumerateArray().All(n =>
                n.GetProperty("dueAt").GetDateTimeOffset() > DateTimeOffset.UtcNow || n.GetProperty("state").GetString() is not ("pending" or "sending"));
        }, TimeSpan.FromSeconds(30), $"booking {booking}'s due messages sent");
        return text;
    }

    /// <summary>
    /// Posts <see cref="Iterations"/> bodies made by <paramref name="make"/> (with the signature header it gives, if any);
    /// every answer must be <paramref name="allowed"/>. How many were tried, and the answers by status.
    /// </summary>
    private async Task<(int Tried, Answers Answers)> HuntAsync(string route, int limit, string signatureHeader,
        Func<(Mutation[] Plan, int Base, int Variant), (byte[] Body, string? Signature)> make, Func<int, bool> allowed)
    {
        var tried = 0;
        var answers = new Answers();
        await Input.SampleAsync(async input =>
        {
            var (body, signature) = make(input);
            var (status, text) = await PostAsync(route, limit, body, signature is null ? [] : [(signatureHeader, signature)]);
            Interlocked.Increment(ref tried);
            answers.Count(status);
            Assert.True(allowed(status), $"{status} for [{JsonMutations.Describe(input.Plan)}] variant {input.Variant}: {text}\n{JsonMutations.Preview(body)}");
        }, iter: Iterations, threads: 2, print: p => $"{JsonMutations.Describe(p.Plan)} variant {p.Variant}");
        return (tried, answers);
    }

    /// <summary>
    /// The mutated body with a signature that does not hold: none, garbage, a wrong key or time (<paramref name="forged"/>),
    /// or (variant 2) the valid body's own signature on the mutated one. A mutation that changed nothing is sent unsigned.
    /// </summary>
    private static (byte[] Body, string? Signature) Forge((Mutation[] Plan, int Base, int Variant) input, JsonNode valid, Func<byte[], string?> forged, Func<byte[], string> sign)
    {
        var original = Encoding.UTF8.GetBytes(valid.ToJsonString());
        var body = JsonMutations.Apply(valid, input.Plan);
        if (input.Variant != 2)
        {
            return (body, forged(body));
        }
        return (body, body.AsSpan().SequenceEqual(original) ? null : sign(original));
    }

    /// <summary>What the properties found (each was a 500), kept as plain examples: signed, so each reaches the parser.</summary>
    [Theory]
    [InlineData("[]")]
    [InlineData("{\"entry\":[{\"changes\":[\"x\"]}]}")]
    [InlineData("{\"entry\":[{\"changes\":[{\"value\":{\"metadata\":{\"phone_number_id\":\"106540352242922\"},\"messages\":[{\"type\":\"text\",\"from\":\"FROM\",\"text\":{\"body\":\"STOP\"}}]}}]}]}")]
    [InlineData("{\"entry\":[{\"changes\":[{\"value\":{\"metadata\":{\"phone_number_id\":\"106540352242922\"},\"statuses\":[{\"id\":\"wamid.1\",\"status\":\"read\",\"timestamp\":\"9223372036854775807\",\"biz_opaque_callback_data\":\"5a1c9e0b-7d3f-4c2a-9b8e-1f2d3c4b5a69:Confirmation\"}]}}]}]}")]
    [InlineData("{\"entry\":[{\"ch\\ud800anges\":[]}]}")]
    public async Task MetaBodiesThePropertiesFoundAreAnsweredWithoutServerError(string json)
    {
        var body = Encoding.UTF8.GetBytes(json.Replace("FROM", new string('9', 16_384), StringComparison.Ordinal));

        var (status, text) = await PostAsync(Meta, WhatsAppWebhookEndpoints.MaxBodyBytes, body, (MetaSignature.Header, HostileApi.SignMeta(body)));

        Assert.True(status is >= 200 and < 500, $"{status}: {text}");
    }

    /// <summary>
    /// Posts a body; its status and text. A body over the route's limit may be answered 413 and the connection closed while
    /// it is still being sent (refused before read whole, as meant): that counts as 413.
    /// </summary>
    private async Task<(int Status, string Text)> PostAsync(string route, int limit, byte[] body, params (string, string)[] headers)
    {
        try
        {
            using var response = await api.PostAsync(route, body, headers);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException e) when (body.Length > limit)
        {
            return (413, "connection closed while the body was sent: " + e.Message);
        }
    }

    /// <summary>A valid Calendly body: a booking, its cancellation, or the realistic captured one, about <paramref name="id"/>.</summary>
    private static JsonNode CalendlyBase(int which, string id, string phone, DateTimeOffset start)
    {
        var json = which switch
        {
            0 => CalendlyWebhooks.InviteeCreated(id, phone, start),
            1 => CalendlyWebhooks.InviteeCanceled(id, phone, start),
            _ => Encoding.UTF8.GetString(Payloads.Read(Payloads.Created))
                .Replace("5A1C9E0B-7D3F-4C2A-9B8E-1F2D3C4B5A69", id, StringComparison.Ordinal)
                .Replace("+91 98765 43210", phone, StringComparison.Ordinal)
                .Replace("2026-11-25T10:00:00.000000Z", start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("2026-11-25T10:30:00.000000Z", start.AddMinutes(30).UtcDateTime.ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal),
        };
        return JsonNode.Parse(json)!;
    }

    /// <summary>A valid Meta body: a delivery status of the booking's confirmation, a STOP from its number, or both in one batch.</summary>
    private JsonNode MetaBase(int which, string appointmentId, string messageId, string fromDigits)
    {
        var status = JsonNode.Parse(api.WhatsApp.BuildStatusPayload(messageId, fromDigits, "read", $"{appointmentId}:Confirmation"))!;
        var stop = JsonNode.Parse(api.WhatsApp.BuildInboundTextPayload(fromDigits, "STOP"))!;
        if (which == 0)
        {
            return status;
        }
        if (which == 1)
        {
            return stop;
        }
        var value = status["entry"]![0]!["changes"]![0]!["value"]!.AsObject();
        var inbound = stop["entry"]![0]!["changes"]![0]!["value"]!;
        value["messages"] = inbound["messages"]!.DeepClone();
        value["contacts"] = inbound["contacts"]!.DeepClone();
        return status;
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Figures.Record(line);
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>How many answers of each status code, e.g. <c>400×120 401×3</c>.</summary>
    private sealed class Answers
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _counts = new();

        public void Count(int status) => _counts.AddOrUpdate(status, 1, (_, n) => n + 1);

        public override string ToString() => string.Join(" ", _counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"));
    }
}
