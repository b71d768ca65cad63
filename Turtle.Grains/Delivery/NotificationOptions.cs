using System.ComponentModel.DataAnnotations;
using Turtle.Grains.Appointments;

namespace Turtle.Grains.Delivery;

/// <summary>The <c>Notifications</c> section: when planned messages fall due.</summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>How long before the meeting the advisor's bio is sent.</summary>
    public TimeSpan AdvisorBioLeadTime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>One reminder per entry, this long before the meeting.</summary>
    public IList<TimeSpan> ReminderLeadTimes { get; set; } = [];

    /// <summary>How long before the meeting the client is asked whether they will attend (Reconfirm).</summary>
    public TimeSpan ReconfirmLeadTime { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long after the meeting's end the follow-up is sent.</summary>
    public TimeSpan FollowUpDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Kinds (SPEC §6 names, e.g. <c>FollowUp</c>) that are never planned or sent.</summary>
    public IList<string> DisabledKinds { get; set; } = [];

    /// <summary>Region for phone numbers written without a country code.</summary>
    [Required(ErrorMessage = "Notifications:DefaultRegion is required."),
     RegularExpression("^[A-Z]{2}$", ErrorMessage = "Notifications:DefaultRegion must be a two-letter region code such as IN.")]
    public string DefaultRegion { get; set; } = "IN";

    /// <summary>Longest single wait an appointment's reminder is armed for; it re-arms past that.</summary>
    public TimeSpan MaxReminderDueTime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Period of the appointment reminder: how soon a tick missed during an outage comes back.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two messages to one number (Meta's pair rate limit).</summary>
    public TimeSpan RecipientSpacing { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>First retry delay after a transient failure; doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between two retries.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Attempts per message before it is marked failed.</summary>
    [Range(1, 50, ErrorMessage = "Notifications:MaxAttempts must be between 1 and 50.")]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// How long a new booking's first messages may hold up the webhook's answer (Calendly waits 15 s at most): a send
    /// Meta has not answered by then is stored as claimed and its outcome recorded when it comes.
    /// </summary>
    public TimeSpan BookingAnswerDeadline { get; set; } = TimeSpan.FromSeconds(7);

    /// <summary>How often a message held back (Meta refuses the access token) looks again whether it may go.</summary>
    public TimeSpan HeldRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a message that names the advisor asks again for one while none is assigned (until the meeting).</summary>
    public TimeSpan NoAdvisorRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>What <c>advisor_name</c> says while a booking has no advisor (its confirmation still goes out).</summary>
    [Required(ErrorMessage = "Notifications:AdvisorTeamName must not be empty.")]
    public string AdvisorTeamName { get; set; } = "our advisory team";

    /// <summary>A claimed send older than this was interrupted (the silo died mid-send) and is tried again.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The language a client is written to in by their phone's ISO country (<c>Notifications:LanguageByCountry:IN = hi</c>)
    /// when their booking did not say (SPEC §15); a language not in <c>WhatsApp:Languages</c> is passed over.
    /// </summary>
    public Dictionary<string, string> LanguageByCountry { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How often every silo sweeps the current days for bookings whose reminder tick was lost (<see cref="Appointments.Index.BookingWatchdog"/>).</summary>
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far past its wake-up a booking must be before the sweep wakes it (its own reminder comes back within a period).</summary>
    public TimeSpan WatchdogGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long the watchdog sweeps at the recovery pace after this silo starts or the cluster declares a silo dead:
    /// about two reminder periods, until every reminder a silo loaded or took over has ticked again.
    /// </summary>
    public TimeSpan WatchdogRecoveryWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the watchdog sweeps while recovering: the dead silo's timers are gone and its reminders' missed ticks
    /// come back only a period after a survivor loads them.
    /// </summary>
    public TimeSpan WatchdogRecoveryInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How far past its wake-up a booking must be for a recovery sweep to wake it: longer than a send and its answer take.</summary>
    public TimeSpan WatchdogRecoveryGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether <paramref name="kind"/> is listed in <see cref="DisabledKinds"/>.</summary>
    public bool IsDisabled(NotificationKind kind) => DisabledKinds.Contains(kind.ToString(), StringComparer.OrdinalIgnoreCase);
    public const string DefaultFirmTimeZone = "Asia/Kolkata";

    /// <summary>IANA id of the firm's own zone: the console's days, the advisors' agenda and every time shown to an advisor.</summary>
    [Required(ErrorMessage = "Notifications:FirmTimeZone is required (an IANA time zone such as Asia/Kolkata).")]
    public string FirmTimeZone { get; set; } = DefaultFirmTimeZone;

    /// <summary>When each advisor's agenda of the day is sent: local time of day in <see cref="FirmTimeZone"/>.</summary>
    public TimeSpan AgendaTime { get; set; } = TimeSpan.FromHours(8);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < DisabledKinds.Count; i++)
        {
            if (!Enum.GetNames<NotificationKind>().Contains(DisabledKinds[i], StringComparer.OrdinalIgnoreCase))
            {
                yield return new ValidationResult(
                    $"{Section}:DisabledKinds:{i} '{DisabledKinds[i]}' is not a message kind (use {string.Join(", ", Enum.GetNames<NotificationKind>())}).", [nameof(DisabledKinds)]);
            }
        }
        if (ReconfirmLeadTime <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:ReconfirmLeadTime must be positive.", [nameof(ReconfirmLeadTime)]);
        }
        if (FollowUpDelay < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:FollowUpDelay must not be negative.", [nameof(FollowUpDelay)]);
        }
        if (WatchdogInterval <= TimeSpan.Zero || WatchdogGrace <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Notifications:WatchdogInterval and Notifications:WatchdogGrace must be positive.", [nameof(WatchdogInterval), nameof(WatchdogGrace)]);
        }
        if (WatchdogRecoveryWindow < TimeSpan.Zero || WatchdogRecoveryInterval <= TimeSpan.Zero || WatchdogRecoveryGrace <= TimeSpan.Zero)
        {
            yield return new ValidationResult(
                "Notifications:WatchdogRecoveryInterval and Notifications:WatchdogRecoveryGrace must be positive, Notifications:WatchdogRecoveryWindow not negative.",
                [nameof(WatchdogRecoveryWindow), nameof(WatchdogRecoveryInterval), nameof(WatchdogRecoveryGrace)]);
        }
        else if (WatchdogRecoveryInterval < WatchdogRecoveryGrace / 2)
        {
            // A shard swept less than half a grace ago sweeps nothing (AppointmentIndexGrain.SweepAsync): a shorter interval would skip every other sweep.
            yield return new ValidationResult(
                "Notifications:WatchdogRecoveryInterval must be at least half of Notifications:WatchdogRecoveryGrace.", [nameof(WatchdogRecoveryInterval)]);
        }
        if (AdvisorBioLeadTime < TimeSpan.Zero)
        {
            yield return new ValidationResult("Notifications:AdvisorBioLeadTime must not be negative.", [nameof(AdvisorBioLeadTime)]);
        }
        if (ReminderLeadTimes.Any(t => t <= TimeSpan.Zero))
        {
            yield return new ValidationResult("Notifications:ReminderLeadTimes entries must be positive.", [nameof(ReminderLeadTimes)]);
        }
        if (MaxReminderDueTime <= TimeSpan.Zero || MaxReminderDueTime > TimeSpan.FromDays(40))
        {
            yield return new ValidationResult("Notifications:MaxReminderDueTime must be between 0 and 40 days.", [nameof(MaxReminderDueTime)]);
        }
        if (DefaultRegion is { Length: 2 } && !Messaging.PhoneNumberNormalizer.IsKnownRegion(DefaultRegion))
        {
            yield return new ValidationResult($"Notifications:DefaultRegion '{DefaultRegion}' is not a region libphonenumber knows (ISO 3166, e.g. IN).", [nameof(DefaultRegion)]);
        }
        if (BookingAnswerDeadline <= TimeSpan.Zero || BookingAnswerDeadline >= TimeSpan.FromSeconds(15))
        {
            yield return new ValidationResult("Notifications:BookingAnswerDeadline must be between 0 and 15 seconds (Calendly's read timeout).", [nameof(BookingAnswerDeadline)]);
        }
        if (ReminderPeriod <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Notifications:ReminderPeriod must be positive.", [nameof(ReminderPeriod)]);
        }
        if (FirmTimeZone is { Length: > 0 } && !FirmCalendar.IsIanaZone(FirmTimeZone))
        {
            yield return new ValidationResult("Notifications:FirmTimeZone is not an IANA time zone (for example Asia/Kolkata).", [nameof(FirmTimeZone)]);
        }
        if (AgendaTime < TimeSpan.Zero || AgendaTime >= TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("Notifications:AgendaTime must be a time of day from 00:00 to 23:59 (local time in Notifications:FirmTimeZone).", [nameof(AgendaTime)]);
        }
    }
}
