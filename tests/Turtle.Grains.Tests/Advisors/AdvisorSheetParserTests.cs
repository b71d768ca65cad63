using Turtle.Grains.Advisors;

namespace Turtle.Grains.Tests.Advisors;

public sealed class AdvisorSheetParserTests
{
    [Fact]
    public void ColumnsAreFoundByNameInAnyOrderAndCase()
    {
        var sheet = Parse(
            ["  bio ", "ACTIVE", "calendly user uri", "EMAIL", "name", "Phone", "title", "Notes"],
            ["Plans retirements.", "yes", "https://api.calendly.com/users/AAA", "priya@turtle.example", "Priya", "+91 98765 00001", "Senior Advisor", "ignored"]);

        var advisor = Assert.Single(sheet.Advisors);
        Assert.Equal(new Advisor
        {
            Email = "priya@turtle.example",
            Name = "Priya",
            Bio = "Plans retirements.",
            Title = "Senior Advisor",
            Phone = "+91 98765 00001",
            Active = true,
            CalendlyUserUri = "https://api.calendly.com/users/AAA",
        }, advisor);
        Assert.Empty(sheet.Rejected);
    }

    [Fact]
    public void ShortRowsLeaveOptionalColumnsEmpty()
    {
        var sheet = Parse(["Email", "Name", "Bio", "Title", "Phone", "Active"], ["a@turtle.example", "A", "Bio A"]);

        var advisor = Assert.Single(sheet.Advisors);
        Assert.Null(advisor.Title);
        Assert.Null(advisor.Phone);
        Assert.True(advisor.Active);
    }

    [Fact]
    public void RowsMissingRequiredValuesAreRejectedWithTheirNumberAndReason()
    {
        var sheet = Parse(
            ["Name", "Email", "Bio"],
            ["A", "a@turtle.example", "Bio A"],
            ["B", "b@turtle.example"],
            ["", "c@turtle.example", "  "],
            ["D", "", "Bio D"],
            ["E", "not-an-email", "Bio E"]);

        Assert.Equal("a@turtle.example", Assert.Single(sheet.Advisors).Email);
        Assert.Equal(
            [
                new RejectedAdvisorRow(3, "missing Bio", "b@turtle.example"),
                new RejectedAdvisorRow(4, "missing Name and Bio", "c@turtle.example"),
                new RejectedAdvisorRow(5, "missing Email", null),
                new RejectedAdvisorRow(6, "Email 'not-an-email' is not an email address", "not-an-email"),
            ],
            sheet.Rejected);
    }

    [Theory]
    [InlineData("no", false)]
    [InlineData("NO", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData(" False ", false)]
    [InlineData("yes", true)]
    [InlineData("", true)]
    [InlineData("TRUE", true)]
    public void ActiveIsFalseOnlyForNoFalseOrZero(string value, bool active)
    {
        var sheet = Parse(["Email", "Name", "Bio", "Active"], ["a@turtle.example", "A", "Bio", value]);

        Assert.Equal(active, Assert.Single(sheet.Advisors).Active);
    }

    [Fact]
    public void DuplicateEmailRejectsTheLaterRow()
    {
        var sheet = Parse(
            ["Email", "Name", "Bio"],
            ["a@turtle.example", "First", "Bio"],
            ["A@Turtle.Example", "Second", "Bio"]);

        Assert.Equal("First", Assert.Single(sheet.Advisors).Name);
        var rejected = Assert.Single(sheet.Rejected);
        Assert.Equal(3, rejected.RowNumber);
        Assert.Equal("duplicate Email: row 2 already has it", rejected.Reason);
    }

    [Fact]
    public void BlankRowsAreSkippedAndRowNumbersFollowTheSheet()
    {
        var sheet = AdvisorSheetParser.Parse(
            [[], ["Email", "Name", "Bio"], ["", " ", ""], [], ["a@turtle.example", "A", "Bio"], ["b@turtle.example", "B"]],
            firstRowNumber: 3);

        Assert.Single(sheet.Advisors);
        Assert.Equal(8, Assert.Single(sheet.Rejected).RowNumber);
    }

    [Fact]
    public void MissingRequiredHeaderFailsTheWholeLoad()
    {
        var error = Assert.Throws<AdvisorSourceException>(() => Parse(["Email", "Full name", "Bio"], ["a@turtle.example", "A", "Bio"]));

        Assert.Contains("no 'Name' column", error.Message, StringComparison.Ordinal);
        Assert.Contains("found: Email, Full name, Bio", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedHeaderFailsTheWholeLoad()
    {
        var error = Assert.Throws<AdvisorSourceException>(() => Parse(["Email", "Name", "Bio", "email"]));

        Assert.Contains("'Email' twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptySheetFailsTheWholeLoad()
    {
        var error = Assert.Throws<AdvisorSourceException>(() => AdvisorSheetParser.Parse([]));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderWithoutRowsLoadsNobody()
    {
        var sheet = Parse(["Email", "Name", "Bio"]);

        Assert.Empty(sheet.Advisors);
        Assert.Empty(sheet.Rejected);
    }

    private static AdvisorSheet Parse(params string[][] rows) => AdvisorSheetParser.Parse(rows);
}
