using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Tests.Storage;

/// <summary>
/// A booking as main stored it at commit fdabfb0 (before attendance, replies and history), serialized by the grain storage
/// serializer Turtle.Silo configures (Orleans' own, <see cref="OrleansGrainStorageSerializer"/>): today's code must read it.
/// The fixture was written once by that commit's code; it must never be regenerated.
/// </summary>
public class StoredStateCompatibilityTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "appointment-state-fdabfb0.base64");

    private static AppointmentState Load()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var bytes = Convert.FromBase64String(File.ReadAllText(Fixture));
        return new OrleansGrainStorageSerializer(serializer).Deserialize<AppointmentState>(new BinaryData(bytes)) ?? throw new InvalidDataException("empty fixture");
    }

    [Fact]
    public void BookingStoredBeforeTheClientJourneyLoadsWithEveryField()
    {
        var state = Load();

        Assert.Equal(AppointmentStatus.Booked, state.Status);
        Assert.Equal("2f1c9a7e-6b1d-4c1e-9a51-0d8e7b6c5a41", state.Details!.InviteeId);
        Assert.Equal("+919876543210", state.Details.Phone);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), state.Details.StartTime);
        Assert.Equal(BookingSources.Webhook, state.Details.Source);
        Assert.Equal("Priya Sharma", state.Advisor!.Name);
        Assert.Equal("+919876543299", state.ClientWaId);
        Assert.Equal([NotificationKind.Confirmation, NotificationKind.AdvisorBio, NotificationKind.Reminder], state.Notifications.Select(n => n.Kind));
        Assert.Equal(DeliveryStatus.Read, state.Notifications[0].DeliveryStatus);
        Assert.Equal(NotificationState.Sending, state.Notifications[2].State);
        Assert.Equal("held_for_quality_assessment", state.Notifications[2].MetaStatus);
        // What the client journey added reads as nothing recorded yet.
        Assert.Equal(Attendance.Unknown, state.Attendance);
        Assert.Empty(state.Replies);
        Assert.Empty(state.History);
        Assert.All(state.Notifications, n => Assert.Null(n.Trigger));
    }

    [Fact]
    public void BookingStoredBeforeTheClientJourneyTakesRepliesAndHistory()
    {
        var state = Load();

        Assert.True(JourneyRules.Reply(state, new ClientReply(DateTimeOffset.UtcNow, "Thanks!", "wamid.1")).Changed);
        Assert.True(JourneyRules.Answer(state, new AttendanceAnswer("+919876543210", AttendanceChoice.Attend, "wamid.2", DateTimeOffset.UtcNow)).Changed);
        Assert.Equal(Attendance.Confirmed, state.Attendance);
        Assert.Single(state.Replies);
        Assert.Single(state.History);
    }
}
