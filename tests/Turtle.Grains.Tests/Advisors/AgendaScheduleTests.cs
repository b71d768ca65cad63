using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Turtle.Grains.Advisors;

namespace Turtle.Grains.Tests.Advisors;

/// <summary>When the advisors' agenda falls due and which day a meeting belongs to, in a zone without and with summer time.</summary>
public sealed class AgendaScheduleTests
{
    private const string Priya = "Priya.Sharma@turtle.example";

    private static AgendaSchedule Schedule(string zone, string agendaTime = "08:00")
    {
        var options = Options.Create(new NotificationOptions { FirmTimeZone = zone, AgendaTime = TimeSpan.Parse(agendaTime, System.Globalization.CultureInfo.InvariantCulture) });
        return new AgendaSchedule(new FirmCalendar(options), options);
    }

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void KolkataAgendaIsAtEightLocalEveryDayOfTheYear()
    {
        var schedule = Schedule("Asia/Kolkata");

        // No summer time: 08:00 IST is 02:30 UTC in winter and in summer alike.
        Assert.Equal(Utc(1, 15, 2, 30), schedule.DueAt(new DateOnly(2026, 1, 15)));
        Assert.Equal(Utc(7, 15, 2, 30), schedule.DueAt(new DateOnly(2026, 7, 15)));
        Assert.Equal((Utc(11, 24, 18, 30), Utc(11, 25, 18, 30)), schedule.Window(new DateOnly(2026, 11, 25)));
    }

    [Theory]
    [InlineData(18, 29, "2026-11-24")]
    [InlineData(18, 30, "2026-11-25")]
    [InlineData(23, 59, "2026-11-25")]
    public void AMeetingLateInTheUtcDayBelongsToTheFirmsNextDay(int hour, int minute, string day)
    {
        var time = new FakeTimeProvider(Utc(11, 20, 9));
        var schedule = Schedule("Asia/Kolkata");

        var key = schedule.AgendaToArm(Priya, Utc(11, 24, hour, minute), time.GetUtcNow());

        Assert.Equal($"{day}/priya.sharma@turtle.example", key);
    }

    [Fact]
    public void NewYorkAgendaFollowsTheClocksAcrossBothChanges()
    {
        var schedule = Schedule("America/New_York");

        Assert.Equal(Utc(3, 7, 13), schedule.DueAt(new DateOnly(2026, 3, 7)));   // EST, UTC-5
        Assert.Equal(Utc(3, 8, 12), schedule.DueAt(new DateOnly(2026, 3, 8)));   // clocks went forward at 02:00: EDT, UTC-4
        Assert.Equal(Utc(10, 31, 12), schedule.DueAt(new DateOnly(2026, 10, 31)));
        Assert.Equal(Utc(11, 1, 13), schedule.DueAt(new DateOnly(2026, 11, 1)));  // clocks went back at 02:00: EST again
        // The day the clocks go forward has 23 hours, the day they go back 25.
        var (springFrom, springTo) = schedule.Window(new DateOnly(2026, 3, 8));
        var (autumnFrom, autumnTo) = schedule.Window(new DateOnly(2026, 11, 1));
        Assert.Equal(TimeSpan.FromHours(23), springTo - springFrom);
        Assert.Equal(TimeSpan.FromHours(25), autumnTo - autumnFrom);
    }

    [Fact]
    public void AnAgendaTimeTheClocksSkipIsTheFirstTimeAfterAndOneTheyRepeatIsTheFirstOccurrence()
    {
        // 02:30 does not exist on 8 March in New York: 03:00 EDT. 01:30 happens twice on 1 November: the first, in EDT.
        Assert.Equal(Utc(3, 8, 7), Schedule("America/New_York", "02:30").DueAt(new DateOnly(2026, 3, 8)));
        Assert.Equal(Utc(11, 1, 5, 30), Schedule("America/New_York", "01:30").DueAt(new DateOnly(2026, 11, 1)));
    }

    [Fact]
    public void AMeetingOnTheNightTheClocksGoBackBelongsToItsLocalDay()
    {
        var time = new FakeTimeProvider(Utc(10, 20, 9));
        var schedule = Schedule("America/New_York");

        // 04:30 UTC on 1 November is 00:30 EDT; 05:30 UTC is 01:30 EDT, 06:30 UTC is 01:30 EST: all the 1st.
        Assert.StartsWith("2026-11-01/", schedule.AgendaToArm(Priya, Utc(11, 1, 4, 30), time.GetUtcNow()), StringComparison.Ordinal);
        Assert.StartsWith("2026-11-01/", schedule.AgendaToArm(Priya, Utc(11, 1, 6, 30), time.GetUtcNow()), StringComparison.Ordinal);
        Assert.StartsWith("2026-10-31/", schedule.AgendaToArm(Priya, Utc(11, 1, 3, 59), time.GetUtcNow()), StringComparison.Ordinal);
    }

    [Fact]
    public void AMeetingArmsItsDaysAgendaOnlyUntilTheAgendaTime()
    {
        var time = new FakeTimeProvider(Utc(11, 25, 2, 0));   // 07:30 in Kolkata
        var schedule = Schedule("Asia/Kolkata");
        var meeting = Utc(11, 25, 9, 0);                       // 14:30 in Kolkata

        Assert.Equal("2026-11-25/priya.sharma@turtle.example", schedule.AgendaToArm(Priya, meeting, time.GetUtcNow()));
        time.Advance(TimeSpan.FromMinutes(29) + TimeSpan.FromSeconds(59));
        Assert.NotNull(schedule.AgendaToArm(Priya, meeting, time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(1));                 // 08:00: the agenda's time
        Assert.Null(schedule.AgendaToArm(Priya, meeting, time.GetUtcNow()));
        Assert.Equal("2026-11-26/priya.sharma@turtle.example", schedule.AgendaToArm(Priya, meeting.AddDays(1), time.GetUtcNow()));
    }

    [Fact]
    public void AnAgendaLateFromAnOutageStillGoesUntilItsDayIsOver()
    {
        var schedule = Schedule("Asia/Kolkata");

        Assert.Equal(Utc(11, 25, 18, 30), schedule.SendBy(new DateOnly(2026, 11, 25)));
    }

    [Fact]
    public void TheListShowsEachMeetingsLocalTimeAndTheClientsFirstNameWithAnInitialInOrder()
    {
        var schedule = Schedule("Asia/Kolkata");
        var meetings = new[]
        {
            new AgendaMeeting("b", Utc(11, 25, 9, 0), "Ravi   Menon"),
            new AgendaMeeting("a", Utc(11, 25, 4, 30), "Asha Rao"),
            new AgendaMeeting("c", Utc(11, 25, 11, 15), "Meera"),
        };

        Assert.Equal("10:00 Asha R.; 14:30 Ravi M.; 16:45 Meera", schedule.Format(meetings));
    }

    [Theory]
    [InlineData("Asha Rao", "Asha R.")]
    [InlineData("asha devi rao", "asha R.")]
    [InlineData("  Asha  ", "Asha")]
    [InlineData("", "(no name)")]
    [InlineData(null, "(no name)")]
    public void ClientsAreShownByFirstNameAndInitial(string? name, string expected) => Assert.Equal(expected, AgendaSchedule.ShortName(name));

    [Fact]
    public void AnAgendaKeyNamesTheDayAndTheAdvisorLowerCased()
    {
        var key = AgendaKey.For(new DateOnly(2026, 11, 25), " Priya.Sharma@Turtle.example ");

        Assert.Equal("2026-11-25/priya.sharma@turtle.example", key);
        Assert.Equal((new DateOnly(2026, 11, 25), "priya.sharma@turtle.example"), AgendaKey.Parse(key));
    }
}
