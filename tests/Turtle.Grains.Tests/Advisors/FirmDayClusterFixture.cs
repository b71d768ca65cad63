using Turtle.Grains.Tests.Cluster;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>
/// A one-silo cluster whose firm's day is mid-morning now (a fixed-offset zone) and whose agenda time comes a set while
/// after the cluster starts: time to book a day's meetings, then watch the agendas go out. Per-number spacing is 1 s.
/// </summary>
public abstract class FirmDayClusterFixture(TimeSpan agendaIn) : TurtleClusterFixture
{
    public FirmDayForTests FirmDay { get; } = new(agendaIn);

    protected override int Silos => 1;

    /// <summary>What a derived fixture sets besides the firm's day.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    protected sealed override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(MoreSettings)
    {
        ["Notifications:FirmTimeZone"] = FirmDay.Zone,
        ["Notifications:AgendaTime"] = FirmDay.AgendaTime,
        ["Notifications:RecipientSpacing"] = "00:00:01",
    };
}
