using System.Text;
using System.Text.Json.Nodes;

namespace Turtle.Testing.Calendly;

/// <summary>Realistic Calendly v2 webhook bodies stored beside the tests, and edited copies of them.</summary>
public static class Payloads
{
    public const string Created = "invitee.created.json";
    public const string Canceled = "invitee.canceled.json";

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Calendly", "Payloads", name));

    public static byte[] Edit(string name, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(Read(name))!.AsObject();
        edit(root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    public static JsonObject Payload(this JsonObject root) => root["payload"]!.AsObject();

    public static JsonObject ScheduledEvent(this JsonObject root) => root.Payload()["scheduled_event"]!.AsObject();
}
