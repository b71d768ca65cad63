using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos.Tests;

/// <summary>"Every message Meta accepted has its record entry, once", against records hand-made as the API shows them.</summary>
public sealed class RecordCheckTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private const string Client = "+919812345678";

    private readonly List<FakeWhatsAppRequest> _accepted = [];
    private readonly List<RecordedItem> _items = [];

    [Fact]
    public void AMessageEnteredOnceWithItsStatusesPasses()
    {
        Accepted("inv1:Confirmation", "wamid.1");
        Entry("out", "Confirmation", "wamid.1", "accepted");
        Entry("out", "status", "wamid.1", "delivered");

        var outcome = Judge();

        Assert.True(outcome.Passed);
        Assert.Equal(1, outcome.Checked);
    }

    [Fact]
    public void AMessageKnownOnlyByItsStatusIsMissing()
    {
        Accepted("inv1:Reminder", "wamid.2");
        Entry("out", "status", "wamid.2", "read");

        var missing = Assert.Single(Judge().Missing);

        Assert.Equal("wamid.2", missing.MessageId);
    }

    [Fact]
    public void AMessageEnteredTwiceFails()
    {
        Accepted("inv1:Reminder", "wamid.3");
        Entry("out", "Reminder", "wamid.3", "accepted");
        Entry("out", "Reminder", "wamid.3", "accepted");

        Assert.Single(Judge().Twice);
    }

    [Fact]
    public void AnAttemptWhoseAnswerNeverCameIsTheKnownWindowNotAMiss()
    {
        Accepted("inv1:AdvisorBio", "wamid.4");
        Accepted("inv1:AdvisorBio", "wamid.5");
        Entry("out", "AdvisorBio", null, "unanswered");
        Entry("out", "AdvisorBio", "wamid.5", "accepted");

        var outcome = Judge();

        Assert.True(outcome.Passed);
        Assert.Equal("wamid.4", Assert.Single(outcome.InWindow).MessageId);
    }

    [Fact]
    public void TheAdvisorsNoticesAndAgendaAreNotTheClientsRecord()
    {
        Accepted("inv1:AdvisorBooked", "wamid.6");
        Accepted("agenda:2026-12-07/a@firm.example:AdvisorAgenda", "wamid.7");

        Assert.Equal(0, Judge().Checked);
    }

    private RecordOutcome Judge() => RecordCheck.Judge(_accepted, new Dictionary<string, IReadOnlyList<RecordedItem>> { [Client] = _items });

    private void Accepted(string callback, string id) =>
        _accepted.Add(new FakeWhatsAppRequest(T0, Client[1..], "t", "en", [], callback, 200, null, id, "{}"));

    private void Entry(string direction, string kind, string? id, string status) => _items.Add(new RecordedItem(direction, kind, id, status));
}
