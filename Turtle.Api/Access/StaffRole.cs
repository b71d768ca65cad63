namespace Turtle.Api.Access;

/// <summary>
/// What a person or a machine key may do (SPEC §14). Each role includes the ones before it: an operator may do all a
/// viewer may, an admin all an operator may.
/// </summary>
public enum StaffRole
{
    /// <summary>Reads bookings, the attention list, advisors and templates; phones masked.</summary>
    Viewer = 1,
    /// <summary>+ retries a failed message, refreshes the advisors, reconciles, reveals one client's full phone.</summary>
    Operator = 2,
    /// <summary>+ exports records, erases a client, reads the audit.</summary>
    Admin = 3,
}

public static class StaffRoles
{
    /// <summary>The role as configuration and claims spell it: <c>viewer</c>, <c>operator</c>, <c>admin</c>.</summary>
    public static string Name(this StaffRole role) => role switch
    {
        StaffRole.Viewer => "viewer",
        StaffRole.Operator => "operator",
        StaffRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static readonly IReadOnlyList<StaffRole> All = [StaffRole.Viewer, StaffRole.Operator, StaffRole.Admin];

    /// <summary>Reads a role name in any case; numbers and unknown words are not roles.</summary>
    public static bool TryParse(string? value, out StaffRole role)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(value?.Trim(), candidate.Name(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }

    public static bool Includes(this StaffRole held, StaffRole needed) => held >= needed;
}
