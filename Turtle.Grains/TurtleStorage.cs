using Azure.Core.Pipeline;
using Azure.Data.Tables;

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

    /// <summary>
    /// Connections a process keeps open to the storage account at most. Without a bound every request waiting for a
    /// slow account opens one more (a burst of due messages had thousands open and ran the host out of file handles);
    /// with it, requests wait in the process for a free connection, and the account sees the same throughput.
    /// </summary>
    public const int MaxConnections = 64;

    /// <summary>The one table client a process uses for the account: its connections bounded by <see cref="MaxConnections"/>.</summary>
    public static TableServiceClient TableService(string connectionString) => new(connectionString, new TableClientOptions
    {
        Transport = new HttpClientTransport(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = MaxConnections,
            // DNS changes of a real account are picked up by new connections.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        }),
    });
}
