using System.Globalization;

namespace Turtle.Chaos;

/// <summary>
/// A chaos run's shape: how long faults are injected, where everything listens, and the lead times that make a booking's
/// messages fall due within the run. Every port is on 127.0.0.1, from <see cref="PortBase"/> up (Azurite 3, silos 9, API 1).
/// </summary>
public sealed record ChaosSettings(TimeSpan Duration, string Output, int PortBase, int Seed)
{
    /// <summary>
    /// Bio and reminder lead times, as the silos are configured: short, so both fall due during the run, and longer than
    /// the lateness bound, so a message due during the worst outage still has time to go before its meeting starts.
    /// </summary>
    public static readonly TimeSpan BioLead = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ReminderLead = TimeSpan.FromMinutes(4);

    /// <summary>The soonest a booked meeting starts: its reminder then falls due 30 s after booking, at the earliest.</summary>
    public static readonly TimeSpan EarliestStart = ReminderLead + TimeSpan.FromSeconds(30);

    /// <summary>
    /// The attendance check's lead, as the silos are configured: between the reminder's and the soonest start, so every
    /// meeting booked ahead gets one during the run, early enough that a decline's reschedule offer still goes before it.
    /// </summary>
    public static readonly TimeSpan ReconfirmLead = ReminderLead + TimeSpan.FromSeconds(15);

    /// <summary>The follow-up's delay after the meeting's end: a short meeting booked soon has it fall due within the run.</summary>
    public static readonly TimeSpan FollowUpDelay = TimeSpan.FromMinutes(1);

    /// <summary>How often the silos reconcile with the fake Calendly API: a lost webhook's booking is made within about this.</summary>
    public static readonly TimeSpan ReconcileInterval = TimeSpan.FromMinutes(1);

    /// <summary>How late a message may be, from its due time to Meta accepting it, counting outages up to a cluster restart.</summary>
    public static readonly TimeSpan LatenessBound = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long a send may still take to reach Meta once a STOP or a template's pause was stored: a send that had passed
    /// the number's opt-out check (or the template check) just before is in flight through one grain call, the claim's
    /// storage write (whose client gives up after its retries, a few seconds) and the request itself.
    /// </summary>
    public static readonly TimeSpan InFlight = TimeSpan.FromSeconds(10);

    /// <summary>How long each silo keeps a template's send check (<c>TemplateGate.AnswerLifetime</c>): a pause reaches every send path within it.</summary>
    public static readonly TimeSpan TemplateCheckLifetime = TimeSpan.FromSeconds(5);

    /// <summary>How often a held message (its template paused) checks again, as the silos are configured.</summary>
    public static readonly TimeSpan HeldRecheckInterval = TimeSpan.FromSeconds(15);

    /// <summary>After the faults stop: how long to wait for what is still due before comparing.</summary>
    public static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(4);

    public int AzuriteBlob => PortBase;
    public int AzuriteQueue => PortBase + 1;
    public int AzuriteTable => PortBase + 2;
    public int SiloPort(int silo) => PortBase + 3 + silo;
    public int GatewayPort(int silo) => PortBase + 6 + silo;
    public int DashboardPort(int silo) => PortBase + 9 + silo;
    public int ApiPort => PortBase + 12;

    public const int Silos = 3;

    public static ChaosSettings Parse(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var minutes = double.Parse(Option("--minutes") ?? "3", CultureInfo.InvariantCulture);
        var output = Option("--out") ?? Path.Combine(Turtle.Testing.Processes.TurtleProcess.RepositoryRoot, "chaos-results", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var ports = int.Parse(Option("--port-base") ?? Environment.GetEnvironmentVariable("TURTLE_CHAOS_PORT_BASE") ?? "10433", CultureInfo.InvariantCulture);
        var seed = int.Parse(Option("--seed") ?? Random.Shared.Next(1_000_000).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return new ChaosSettings(TimeSpan.FromMinutes(minutes), output, ports, seed);
    }
}
