namespace Turtle.Grains;

/// <summary>Names of the grain storage providers; each is its own table.</summary>
public static class TurtleStorage
{
    public const string Appointments = "appointments";
    public const string Advisors = "advisors";
    public const string Recipients = "recipients";
    /// <summary>The counts of SPEC §16, one row per firm day: apart from the bookings, so what ingest writes stays countable.</summary>
    public const string Insights = "insights";

    public static readonly IReadOnlyList<string> Names = [Appointments, Advisors, Recipients, Insights];

    /// <summary>The table a storage keeps its grains in: <c>TurtleAppointments</c>, <c>TurtleAdvisors</c>, <c>TurtleRecipients</c>, <c>TurtleInsights</c>.</summary>
    public static string TableName(string storageName) => "Turtle" + char.ToUpperInvariant(storageName[0]) + storageName[1..];
}
