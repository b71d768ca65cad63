namespace Turtle.Grains.Advisors;

/// <summary>One advisor row of the operations team's sheet.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.Advisor")]
public sealed record Advisor
{
    /// <summary>Key of the advisor; compared case-insensitively.</summary>
    [Id(0)] public required string Email { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Bio { get; init; }
    [Id(3)] public string? Title { get; init; }
    [Id(4)] public string? Phone { get; init; }
    [Id(5)] public bool Active { get; init; } = true;
    [Id(6)] public string? CalendlyUserUri { get; init; }
}

/// <summary>A sheet row that could not be loaded, and why.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.RejectedAdvisorRow")]
public sealed record RejectedAdvisorRow(
    [property: Id(0)] int RowNumber,
    [property: Id(1)] string Reason,
    [property: Id(2)] string? Email);

/// <summary>The advisor directory as cached: the last good load plus the outcome of the latest attempt.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.AdvisorDirectorySnapshot")]
public sealed record AdvisorDirectorySnapshot
{
    /// <summary>Increases with every load that changed the content; caches compare it to know they are current.</summary>
    [Id(0)] public long Version { get; init; }
    [Id(1)] public IReadOnlyList<Advisor> Advisors { get; init; } = [];
    [Id(2)] public IReadOnlyList<RejectedAdvisorRow> Rejected { get; init; } = [];
    /// <summary><c>Csv</c> or <c>GoogleSheets</c>, with the file or spreadsheet it read.</summary>
    [Id(3)] public string Source { get; init; } = "";
    /// <summary>When the sheet was last read successfully.</summary>
    [Id(4)] public DateTimeOffset? LastRefresh { get; init; }
    /// <summary>When a read was last tried, successful or not.</summary>
    [Id(5)] public DateTimeOffset? LastAttempt { get; init; }
    /// <summary>Why the latest read failed; <c>null</c> when it succeeded. The advisors are then the last good copy.</summary>
    [Id(6)] public string? LastError { get; init; }
    /// <summary>Emails of the advisors whose sheet <c>Phone</c> is missing or not a valid number: they get no WhatsApp messages.</summary>
    [Id(7)] public IReadOnlyList<string> AdvisorsWithoutPhone { get; init; } = [];
}

/// <summary>Who hosts a booking, as Calendly says, to pick its advisor.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.AssignmentRequest")]
public sealed record AssignmentRequest
{
    [Id(0)] public required string AppointmentId { get; init; }
    [Id(1)] public IReadOnlyList<string> HostEmails { get; init; } = [];
    [Id(2)] public IReadOnlyList<string> HostUserUris { get; init; } = [];
    [Id(3)] public required DateTimeOffset StartTime { get; init; }

    /// <summary>The request for a booking's advisor: its hosts as Calendly named them, and when it starts.</summary>
    public static AssignmentRequest For(string appointmentId, Appointments.BookingDetails booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return new AssignmentRequest
        {
            AppointmentId = appointmentId,
            HostEmails = booking.HostEmails,
            HostUserUris = booking.HostUserUris,
            StartTime = booking.StartTime,
        };
    }
}

/// <summary>The advisor chosen for a booking, or none when no advisor is active.</summary>
[GenerateSerializer, Immutable, Alias("Turtle.AdvisorAssignment")]
public sealed record AdvisorAssignment([property: Id(0)] Advisor? Advisor, [property: Id(1)] string Reason);
