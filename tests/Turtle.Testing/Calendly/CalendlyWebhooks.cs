using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turtle.Testing.Calendly;

/// <summary>Calendly webhook v2 deliveries as Calendly sends them: the JSON body and its signature header.</summary>
public static class CalendlyWebhooks
{
    public const string SignatureHeader = "Calendly-Webhook-Signature";
    public const string DefaultEmail = "asha.rao@example.com";

    public static string InviteeCreated(string inviteeId, string? phone, DateTimeOffset start, string hostEmail = "priya.sharma@turtle.example",
        string? oldInviteeId = null, string name = "Asha Rao", string timeZone = "Asia/Kolkata", string email = DefaultEmail, DateTimeOffset? end = null) =>
        Envelope("invitee.created", Invitee(inviteeId, phone, start, hostEmail, oldInviteeId, name, timeZone, canceled: false, rescheduled: false, email, end));

    public static string InviteeCanceled(string inviteeId, string? phone, DateTimeOffset start, bool rescheduled = false,
        string hostEmail = "priya.sharma@turtle.example", string name = "Asha Rao", string email = DefaultEmail, DateTimeOffset? end = null) =>
        Envelope("invitee.canceled", Invitee(inviteeId, phone, start, hostEmail, null, name, "Asia/Kolkata", canceled: true, rescheduled: rescheduled, email, end));

    /// <summary>
    /// <c>invitee_no_show.created</c> / <c>.deleted</c> as Calendly sends them: the invitee itself, with its <c>no_show</c>
    /// mark (null once it is removed).
    /// </summary>
    public static string InviteeNoShow(string inviteeId, string? phone, DateTimeOffset start, bool created = true, DateTimeOffset? end = null)
    {
        var payload = Invitee(inviteeId, phone, start, "priya.sharma@turtle.example", null, "Asha Rao", "Asia/Kolkata", canceled: false, rescheduled: false, DefaultEmail, end);
        payload["no_show"] = created
            ? new JsonObject { ["uri"] = $"https://api.calendly.com/invitee_no_shows/{Guid.NewGuid()}", ["created_at"] = Time(DateTimeOffset.UtcNow) }
            : null;
        return Envelope(created ? "invitee_no_show.created" : "invitee_no_show.deleted", payload);
    }

    /// <summary><c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(key, "t.body")&gt;</c>.</summary>
    public static string Sign(string signingKey, string body, DateTimeOffset? at = null)
    {
        var t = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A signed POST ready to send to <c>/webhooks/calendly</c>.</summary>
    public static HttpRequestMessage SignedRequest(Uri apiBase, string signingKey, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBase, "/webhooks/calendly"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SignatureHeader, Sign(signingKey, body));
        return request;
    }

    private static string Envelope(string kind, JsonObject payload) => new JsonObject
    {
        ["event"] = kind,
        ["created_at"] = Time(DateTimeOffset.UtcNow),
        ["created_by"] = "https://api.calendly.com/users/HOSTUSER0001",
        ["payload"] = payload,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    private static JsonObject Invitee(string id, string? phone, DateTimeOffset start, string hostEmail, string? oldInviteeId,
        string name, string timeZone, bool canceled, bool rescheduled, string email, DateTimeOffset? end = null)
    {
        var eventUri = "https://api.calendly.com/scheduled_events/EVENT00000000001";
        var now = Time(DateTimeOffset.UtcNow);
        var payload = new JsonObject
        {
            ["uri"] = $"{eventUri}/invitees/{id}",
            ["email"] = email,
            ["name"] = name,
            ["first_name"] = name.Split(' ')[0],
            ["last_name"] = name.Contains(' ', StringComparison.Ordinal) ? name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..] : null,
            ["status"] = canceled ? "canceled" : "active",
            ["timezone"] = timeZone,
            ["text_reminder_number"] = phone,
            ["rescheduled"] = rescheduled,
            ["old_invitee"] = oldInviteeId is null ? null : $"https://api.calendly.com/scheduled_events/EVENT00000000000/invitees/{oldInviteeId}",
            ["new_invitee"] = null,
            ["questions_and_answers"] = new JsonArray(new JsonObject
            {
                ["question"] = "What would you like to discuss?",
                ["answer"] = "Retirement planning",
                ["position"] = 0,
            }),
            ["cancel_url"] = $"https://calendly.com/cancellations/{id}",
            ["reschedule_url"] = $"https://calendly.com/reschedulings/{id}",
            ["created_at"] = now,
            ["updated_at"] = now,
            ["tracking"] = new JsonObject { ["utm_source"] = null },
            ["scheduled_event"] = new JsonObject
            {
                ["uri"] = eventUri,
                ["name"] = "Financial planning consultation",
                ["status"] = canceled ? "canceled" : "active",
                ["start_time"] = Time(start),
                ["end_time"] = Time(end ?? start + TimeSpan.FromMinutes(30)),
                ["event_type"] = "https://api.calendly.com/event_types/TYPE0001",
                ["location"] = new JsonObject { ["type"] = "google_conference", ["join_url"] = "https://meet.google.com/abc-defg-hij" },
                ["event_memberships"] = new JsonArray(new JsonObject
                {
                    ["user"] = "https://api.calendly.com/users/HOSTUSER0001",
                    ["user_email"] = hostEmail,
                    ["user_name"] = "Priya Sharma",
                }),
            },
        };
        if (canceled)
        {
            payload["cancellation"] = new JsonObject
            {
                ["canceled_by"] = name,
                ["reason"] = rescheduled ? null : "Something came up",
                ["canceler_type"] = "invitee",
                ["created_at"] = now,
            };
        }
        return payload;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
