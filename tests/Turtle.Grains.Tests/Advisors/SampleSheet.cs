namespace Turtle.Grains.Tests.Advisors;

/// <summary>Sheets as the operations team keeps them, with unique emails so tests sharing a cluster never collide.</summary>
public static class SampleSheet
{
    public static readonly string[] Header = ["Email", "Name", "Title", "Bio", "Phone", "Active", "CalendlyUserUri"];

    public static string UniqueEmail(string name) => $"{name}.{Guid.NewGuid():N}"[..(name.Length + 9)] + "@turtle.example";

    public static string[] Row(string email, string name, bool active = true, string? calendlyUri = null) =>
        [email, name, "Advisor", $"{name} helps families plan their finances.", "+919876500000", active ? "yes" : "no", calendlyUri ?? ""];

    public static IEnumerable<string[]> Rows(params string[][] advisors) =>
        advisors.Length == 0
            ? [Header, Row("priya.sharma@turtle.example", "Priya Sharma"), Row("arjun.mehta@turtle.example", "Arjun Mehta")]
            : [Header, .. advisors];
}
