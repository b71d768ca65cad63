using Turtle.Grains.Advisors;

namespace Turtle.Grains.Tests.Advisors;

public sealed class AdvisorAssignmentRulesTests
{
    private static readonly Advisor Priya = Make("priya@turtle.example", uri: "https://api.calendly.com/users/PRIYA");
    private static readonly Advisor Arjun = Make("arjun@turtle.example", active: false, uri: "https://api.calendly.com/users/ARJUN");
    private static readonly Advisor Meera = Make("meera@turtle.example");
    private static readonly IReadOnlyList<Advisor> Directory = [Priya, Arjun, Meera];

    [Fact]
    public void HostIsFoundByEmailIgnoringCase()
    {
        Assert.Equal(Meera, AdvisorAssignmentRules.FindHost(Directory, Request(emails: ["Meera@Turtle.Example"])));
    }

    [Fact]
    public void HostIsFoundByCalendlyUserUri()
    {
        Assert.Equal(Priya, AdvisorAssignmentRules.FindHost(Directory, Request(uris: ["https://api.calendly.com/users/PRIYA/"])));
    }

    [Fact]
    public void InactiveHostIsStillFoundSoTheCallerCanFallBack()
    {
        var host = AdvisorAssignmentRules.FindHost(Directory, Request(emails: ["arjun@turtle.example"]));

        Assert.Equal(Arjun, host);
        Assert.Contains("inactive", AdvisorAssignmentRules.DescribeFallback(Request(emails: ["arjun@turtle.example"]), host), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownHostIsNotFound()
    {
        var request = Request(emails: ["someone@else.example"], uris: ["https://api.calendly.com/users/NOPE"]);

        Assert.Null(AdvisorAssignmentRules.FindHost(Directory, request));
        Assert.Contains("not in the directory", AdvisorAssignmentRules.DescribeFallback(request, null), StringComparison.Ordinal);
    }

    [Fact]
    public void LeastLoadedCandidateIsPicked()
    {
        var loads = new Dictionary<string, int> { ["a"] = 3, ["b"] = 1, ["c"] = 2 };

        Assert.Equal("b", AdvisorAssignmentRules.PickLeastLoaded(["a", "b", "c"], e => loads[e], lastPicked: "a"));
    }

    [Fact]
    public void TiesAreBrokenRoundRobinAfterTheLastPick()
    {
        string[] candidates = ["a", "b", "c"];
        var picks = new List<string>();
        string? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = AdvisorAssignmentRules.PickLeastLoaded(candidates, _ => 0, last);
            picks.Add(last);
        }

        Assert.Equal(["a", "b", "c", "a", "b"], picks);
    }

    [Fact]
    public void TiesSkipBusierCandidatesAndWrapAround()
    {
        var loads = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 1, ["d"] = 2 };

        Assert.Equal("a", AdvisorAssignmentRules.PickLeastLoaded(["a", "b", "c", "d"], e => loads[e], lastPicked: "c"));
    }

    [Fact]
    public void LastPickNoLongerACandidateStartsFromTheFirst()
    {
        Assert.Equal("a", AdvisorAssignmentRules.PickLeastLoaded(["a", "b"], _ => 0, lastPicked: "gone"));
    }

    private static Advisor Make(string email, bool active = true, string? uri = null) =>
        new() { Email = email, Name = email, Bio = "Bio", Active = active, CalendlyUserUri = uri };

    private static AssignmentRequest Request(string[]? emails = null, string[]? uris = null) => new()
    {
        AppointmentId = "a1",
        HostEmails = emails ?? [],
        HostUserUris = uris ?? [],
        StartTime = DateTimeOffset.UtcNow.AddDays(1),
    };
}
