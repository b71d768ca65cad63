namespace Turtle.Grains.Advisors;

/// <summary>The pure decisions of advisor assignment (SPEC §7); the grains supply the directory and the loads.</summary>
public static class AdvisorAssignmentRules
{
    /// <summary>The directory's row for the booking's Calendly host, matched by email or by Calendly user URI; active or not.</summary>
    public static Advisor? FindHost(IReadOnlyList<Advisor> advisors, AssignmentRequest request)
    {
        foreach (var email in request.HostEmails)
        {
            var host = advisors.FirstOrDefault(a => SameEmail(a.Email, email));
            if (host is not null)
            {
                return host;
            }
        }
        foreach (var uri in request.HostUserUris)
        {
            var host = advisors.FirstOrDefault(a => a.CalendlyUserUri is { } own && SameUri(own, uri));
            if (host is not null)
            {
                return host;
            }
        }
        return null;
    }

    /// <summary>
    /// The candidate with the fewest upcoming meetings. Among equals, the first one after <paramref name="lastPicked"/>
    /// in candidate order, wrapping around, so equal advisors take turns.
    /// </summary>
    public static string PickLeastLoaded(IReadOnlyList<string> candidates, Func<string, int> upcoming, string? lastPicked)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var loads = candidates.Select(upcoming).ToList();
        var fewest = loads.Min();
        var last = lastPicked is null ? -1 : IndexOf(candidates, lastPicked);
        for (var step = 1; step <= candidates.Count; step++)
        {
            var i = (last + step + candidates.Count) % candidates.Count;
            if (loads[i] == fewest)
            {
                return candidates[i];
            }
        }
        throw new InvalidOperationException("Unreachable: the minimum is always found.");
    }

    /// <summary>Why this advisor: stored with the booking and shown to operators.</summary>
    public static string DescribeFallback(AssignmentRequest request, Advisor? host) => host switch
    {
        { Active: false } => $"Calendly host {host.Email} is inactive; least loaded active advisor",
        null when request.HostEmails.Count + request.HostUserUris.Count > 0 =>
            $"Calendly host {string.Join(", ", request.HostEmails.Concat(request.HostUserUris))} is not in the directory; least loaded active advisor",
        _ => "no Calendly host given; least loaded active advisor",
    };

    public static bool SameEmail(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private static bool SameUri(string a, string b) =>
        string.Equals(a.Trim().TrimEnd('/'), b.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static int IndexOf(IReadOnlyList<string> candidates, string email)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (SameEmail(candidates[i], email))
            {
                return i;
            }
        }
        return -1;
    }
}
