using Turtle.Grains.Templates;

namespace Turtle.Grains.Tests.Templates;

/// <summary>How Meta's template reports change what Turtle knows, and what that means for sending and for a person.</summary>
public sealed class TemplateLifecycleTests
{
    private const string Name = "turtle_missed_meeting";
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] NoShow = ["NoShow"];

    [Fact]
    public void APausedTemplateWaitsAndGoesAgainOnceApproved()
    {
        var template = new TemplateState();

        TemplateLifecycle.Apply(template, Status("PAUSED", T0, "FIRST_PAUSE"));
        var paused = TemplateLifecycle.Check(template, Name, "en");
        TemplateLifecycle.Apply(template, Status("APPROVED", T0.AddHours(3)));

        Assert.Equal(TemplateVerdict.Wait, paused.Verdict);
        Assert.Contains("paused", paused.Reason, StringComparison.Ordinal);
        Assert.Contains("FIRST_PAUSE", paused.Reason, StringComparison.Ordinal);
        Assert.Equal(TemplateVerdict.Send, TemplateLifecycle.Check(template, Name, "en").Verdict);
    }

    [Theory]
    [InlineData("DISABLED")]
    [InlineData("REJECTED")]
    public void ADisabledOrRejectedTemplateFailsItsMessagesWithMetasReason(string status)
    {
        var template = new TemplateState();

        TemplateLifecycle.Apply(template, Status(status, T0, "INCORRECT_CATEGORY"));
        var check = TemplateLifecycle.Check(template, Name, "en");

        Assert.Equal(TemplateVerdict.Fail, check.Verdict);
        Assert.Contains(status, check.Reason, StringComparison.Ordinal);
        Assert.Contains("INCORRECT_CATEGORY", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ATemplateMetaNeverReportedOnMaySend() =>
        Assert.Equal(TemplateVerdict.Send, TemplateLifecycle.Check(new TemplateState(), Name, "en").Verdict);

    [Fact]
    public void AnOlderReportArrivingLateChangesNothing()
    {
        var template = new TemplateState();
        TemplateLifecycle.Apply(template, Status("APPROVED", T0.AddHours(3)));

        var changed = TemplateLifecycle.Apply(template, Status("PAUSED", T0));

        Assert.False(changed);
        Assert.Equal("APPROVED", template.Status);
        Assert.Equal(T0.AddHours(3), template.Since);
    }

    [Fact]
    public void ARepeatedReportChangesNothing()
    {
        var template = new TemplateState();
        TemplateLifecycle.Apply(template, Status("PAUSED", T0));

        Assert.False(TemplateLifecycle.Apply(template, Status("PAUSED", T0)));
    }

    [Fact]
    public void ARecategorisationToMarketingIsAProblemNamingBothCategoriesAndWhatToDo()
    {
        var template = new TemplateState();
        TemplateLifecycle.Apply(template, Status("APPROVED", T0, category: "UTILITY"));

        TemplateLifecycle.Apply(template, new TemplateUpdate { Field = TemplateUpdateField.Category, Name = Name, Language = "en", At = T0.AddDays(1), PreviousCategory = "UTILITY", Category = "MARKETING" });
        var problem = TemplateLifecycle.Problem(template, Name, "en", NoShow);

        Assert.Equal("MARKETING", template.Category);
        Assert.NotNull(problem);
        Assert.Contains("turtle_missed_meeting (en)", problem, StringComparison.Ordinal);
        Assert.Contains("NoShow", problem, StringComparison.Ordinal);
        Assert.Contains("from UTILITY to MARKETING", problem, StringComparison.Ordinal);
        Assert.Contains("submit it as UTILITY", problem, StringComparison.Ordinal);
        Assert.Equal(TemplateVerdict.Send, TemplateLifecycle.Check(template, Name, "en").Verdict);
    }

    [Fact]
    public void AnAnnouncedRecategorisationIsAProblemBeforeItHappensAndItsCompletionKeepsIt()
    {
        var template = new TemplateState();
        var takesEffect = T0.AddDays(1);

        TemplateLifecycle.Apply(template, new TemplateUpdate { Field = TemplateUpdateField.Category, Name = Name, Language = "en", At = T0, Category = "UTILITY", AnnouncedCategory = "MARKETING", AnnouncedFor = takesEffect });
        var announced = TemplateLifecycle.Problem(template, Name, "en", NoShow);
        TemplateLifecycle.Apply(template, new TemplateUpdate { Field = TemplateUpdateField.Category, Name = Name, Language = "en", At = takesEffect, PreviousCategory = "UTILITY", Category = "MARKETING" });

        Assert.Contains("will re-categorise it to MARKETING on 8 Dec 2026 09:00 UTC", announced, StringComparison.Ordinal);
        Assert.Null(template.AnnouncedCategory);
        Assert.Contains("re-categorised it from UTILITY to MARKETING", TemplateLifecycle.Problem(template, Name, "en", NoShow), StringComparison.Ordinal);
    }

    [Fact]
    public void AnApprovedUtilityTemplateIsNoProblemWhateverItsQuality()
    {
        var template = new TemplateState();
        TemplateLifecycle.Apply(template, Status("APPROVED", T0, category: "UTILITY"));

        TemplateLifecycle.Apply(template, new TemplateUpdate { Field = TemplateUpdateField.Quality, Name = Name, Language = "en", At = T0.AddHours(1), Quality = "YELLOW" });

        Assert.Equal("YELLOW", template.Quality);
        Assert.Null(TemplateLifecycle.Problem(template, Name, "en", NoShow));
        Assert.False(TemplateLifecycle.TrackProblem(template, T0));
    }

    [Fact]
    public void ANewProblemIsANewOccurrenceAndTheSameOneKeepsItsTime()
    {
        var template = new TemplateState();
        TemplateLifecycle.Apply(template, Status("PAUSED", T0));
        TemplateLifecycle.TrackProblem(template, T0);
        TemplateLifecycle.Apply(template, new TemplateUpdate { Field = TemplateUpdateField.Quality, Name = Name, Language = "en", At = T0.AddMinutes(5), Quality = "RED" });
        TemplateLifecycle.TrackProblem(template, T0.AddMinutes(5));
        var paused = template.ProblemSince;

        TemplateLifecycle.Apply(template, Status("DISABLED", T0.AddHours(1)));
        TemplateLifecycle.TrackProblem(template, T0.AddHours(1));

        Assert.Equal(T0, paused);
        Assert.Equal(T0.AddHours(1), template.ProblemSince);
    }

    [Theory]
    [InlineData("REINSTATED", "APPROVED")]
    [InlineData("FLAGGED", "FLAGGED")]
    [InlineData("LOCKED", "PAUSED")]
    public void EventsLeaveTheStatusMetaMeans(string reported, string status)
    {
        var template = new TemplateState();
        TemplateLifecycle.Apply(template, Status("PAUSED", T0));

        TemplateLifecycle.Apply(template, Status(reported, T0.AddHours(1)));

        Assert.Equal(status, template.Status);
    }

    private static TemplateUpdate Status(string reported, DateTimeOffset at, string? reason = null, string? category = null) =>
        new() { Field = TemplateUpdateField.Status, Name = Name, Language = "en", At = at, Event = reported, Reason = reason, Category = category };
}
