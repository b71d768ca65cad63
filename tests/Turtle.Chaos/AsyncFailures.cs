using System.Text.Json;
using Turtle.Testing.WhatsApp;

namespace Turtle.Chaos;

/// <summary>What Turtle does with a message Meta reported failed after accepting it (SPEC §6, "Meta as it behaves").</summary>
public enum AfterFailure
{
    /// <summary>Failed with Meta's code, not retried (131050, 130472, 131026, …).</summary>
    Failed,
    /// <summary>131049: tried once more after 24 h (failed at once when that is past its deadline, as before a meeting).</summary>
    RetriedAfterADay,
    /// <summary>A retryable code (131000, 131016): tried again with backoff.</summary>
    Retried,
}

/// <summary>One failed status Meta posted that did not reach its message as SPEC §6 says it must.</summary>
public sealed record UnreachedFailure(string InviteeId, string Kind, int Code, string What);

/// <summary>How the failed statuses Meta posted were found on the bookings Turtle shows.</summary>
/// <param name="Reported">Sends Meta accepted and then reported failed, judged here.</param>
/// <param name="Failed">Shown failed with Meta's code.</param>
/// <param name="Waiting">Shown pending with Meta's code, to be tried again (a retryable code, or 131049's day).</param>
/// <param name="SentAgain">A retryable one Meta accepted again and the booking shows sent.</param>
/// <param name="Withdrawn">Cancelled, skipped or opted out before it could go again.</param>
/// <param name="Listed">Those of them on <c>/api/attention</c> under <c>message-failed</c>.</param>
/// <param name="TooRecent">Reported failed too close to the reading for its status to have surely arrived: not judged.</param>
/// <param name="Unreached">Those whose booking does not show Meta's failure as it should; any fails the run.</param>
/// <param name="InWindow">
/// Failures of a send whose answer (and so its message id) never reached Turtle, which sent it again: a failed status
/// names only the id, so nothing could tie it to the message. The known window of an unanswered send, as a duplicate's.
/// </param>
public sealed record FailedStatusOutcome(int Reported, int Failed, int Waiting, int SentAgain, int Withdrawn, int Listed, int TooRecent, IReadOnlyList<UnreachedFailure> Unreached,
    int InWindow = 0);

/// <summary>
/// Meta's asynchronous failures: at a few points in the run (from a tenth of it until well before its end), the next
/// message Meta accepts for two clients' numbers is answered 200 with an id and then reported by a <c>failed</c> status
/// without callback data (<see cref="FakeWhatsAppApi.FailAfterAcceptingNext"/>), with codes in turn 131050 (the client
/// stopped marketing messages), 131049 (Meta's per-user marketing limit), 130472 (the number is in an experiment) and
/// 131016 (service unavailable, retryable). A number gets at most one; a client who taps the attendance check or sends
/// STOP gets none (the run's taps and STOPs wait for Meta to take a message to the number).
/// <see cref="Judge"/> then reads every such message on its booking: never shown <c>sent</c> after Meta said
/// <c>failed</c> (unless a retryable one was accepted again), failed or waiting with Meta's code, and listed under
/// <c>message-failed</c> while it is.
/// </summary>
public sealed class AsyncFailures
{
    /// <summary>How long after its send a failed status is surely taken: the fake posts it a second later and retries like Meta.</summary>
    public static readonly TimeSpan StatusArrival = TimeSpan.FromSeconds(30);

    private const int PerPoint = 2;

    private static readonly WhatsAppFault[] Mix =
    [
        WhatsAppFault.MarketingStopped,
        WhatsAppFault.EcosystemEngagement,
        WhatsAppFault.UserInExperiment,
        WhatsAppFault.ServiceUnavailable,
    ];

    private readonly FakeWhatsAppApi _meta;
    private readonly Random _random;
    private readonly Queue<DateTimeOffset> _points = new();
    private readonly HashSet<string> _numbers = [];

    public AsyncFailures(FakeWhatsAppApi meta, Random random, DateTimeOffset start, TimeSpan duration)
    {
        (_meta, _random) = (meta, random);
        // From a tenth of the run until 70 % of it, and 90 s before the bookings stop: messages still go to those numbers.
        var first = duration * 0.1;
        var last = TimeSpan.FromTicks(Math.Max(first.Ticks, Math.Min((duration * 0.7).Ticks, (duration - TimeSpan.FromSeconds(90)).Ticks)));
        var count = Math.Clamp((int)(duration.TotalMinutes / 2.5), 4, 12);
        for (var i = 0; i < count; i++)
        {
            _points.Enqueue(start + first + ((last - first) * i / (count - 1)));
        }
    }

    /// <summary>The faults scripted so far, with the invitee whose number got each.</summary>
    public List<(Invitee Invitee, WhatsAppFault Fault)> Scripted { get; } = [];

    public static AfterFailure HandlingOf(int code) => code switch
    {
        131049 => AfterFailure.RetriedAfterADay,
        131000 or 131016 => AfterFailure.Retried,
        _ => AfterFailure.Failed,
    };

    /// <summary>At each point due by <paramref name="now"/>, scripts the next faults for clients with messages still to come.</summary>
    public void Script(IReadOnlyList<Invitee> invitees, DateTimeOffset now)
    {
        while (_points.TryPeek(out var point) && point <= now)
        {
            _points.Dequeue();
            var eligible = invitees.Where(i => i.Answer is null && i.Stop is null && i.Cancelled is null
                && !_numbers.Contains(Number(i)) && Verdict.LastDue(i, DateTimeOffset.MaxValue) > now + TimeSpan.FromSeconds(30)).ToList();
            foreach (var invitee in eligible.OrderBy(_ => _random.Next()).Take(PerPoint))
            {
                var fault = Mix[Scripted.Count % Mix.Length];
                _numbers.Add(Number(invitee));
                _meta.FailAfterAcceptingNext(invitee.Phone, fault);
                Scripted.Add((invitee, fault));
            }
        }
    }

    /// <summary>The bookings that had a message Meta failed after accepting it: <see cref="Judge"/> needs each one's view.</summary>
    public static IReadOnlyList<string> Bookings(IReadOnlyList<FakeWhatsAppRequest> accepted) =>
        [.. accepted.Where(r => r.LateFault is not null && r.BizOpaqueCallbackData is not null).Select(r => r.BizOpaqueCallbackData!.Split(':')[0]).Distinct()];

    /// <summary>
    /// Every send Meta reported failed after accepting it, at least <see cref="StatusArrival"/> before
    /// <paramref name="now"/>, against its booking as <c>GET /api/appointments/{id}</c> shows it (<paramref name="bookings"/>,
    /// by id; missing: not found) and the attention list.
    /// </summary>
    /// <param name="accepted">What the fake Graph API accepted.</param>
    /// <param name="bookings">Each booking's view, by id.</param>
    /// <param name="attention">The attention list as <c>GET /api/attention</c> answers it.</param>
    /// <param name="now">When the verdict is read.</param>
    /// <param name="unanswered">Ids Meta gave sends whose answer never reached Turtle (its record holds those attempts without an id).</param>
    public static FailedStatusOutcome Judge(IReadOnlyList<FakeWhatsAppRequest> accepted, IReadOnlyDictionary<string, JsonElement> bookings,
        JsonElement attention, DateTimeOffset now, IReadOnlySet<string>? unanswered = null)
    {
        var unreached = new List<UnreachedFailure>();
        int reported = 0, failed = 0, waiting = 0, sentAgain = 0, withdrawn = 0, listed = 0, tooRecent = 0, inWindow = 0;
        var onList = attention.GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("reason").GetString() == "message-failed")
            .ToLookup(a => a.GetProperty("appointmentId").GetString() ?? "", a => a.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "");
        foreach (var send in accepted.Where(r => r.LateFault is not null))
        {
            if (send.ReceivedAt > now - StatusArrival)
            {
                tooRecent++;
                continue;
            }
            reported++;
            var code = send.LateFault!.MetaCode;
            var (id, kind) = send.BizOpaqueCallbackData?.Split(':') is [var i, var k] ? (i, k) : (send.BizOpaqueCallbackData ?? "?", "?");
            void Unreached(string what) => unreached.Add(new(id, kind, code, what));
            if (!bookings.TryGetValue(id, out var booking))
            {
                Unreached("its booking is not found by GET /api/appointments/{id}");
                continue;
            }
            var notification = booking.GetProperty("notifications").EnumerateArray()
                .Select(n => (JsonElement?)n).FirstOrDefault(n => n!.Value.GetProperty("kind").GetString() == kind);
            if (notification is not { } message)
            {
                Unreached($"the booking shows no {kind} message");
                continue;
            }
            var state = message.GetProperty("state").GetString();
            var lastError = message.TryGetProperty("lastError", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
            var namesCode = lastError.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var acceptedAgain = accepted.Any(r => r.BizOpaqueCallbackData == send.BizOpaqueCallbackData && r.ReceivedAt > send.ReceivedAt && r.LateFault is null);
            var handling = HandlingOf(code);
            var toList = false;
            switch (state)
            {
                case "sent" when acceptedAgain && handling == AfterFailure.Retried:
                    sentAgain++;
                    break;
                case "sent" when acceptedAgain && send.MessageId is { } first && unanswered?.Contains(first) == true:
                    inWindow++;
                    break;
                case "sent" when acceptedAgain:
                    Unreached($"Meta failed it with {code}, which is not retried now, yet Turtle sent it again and shows it sent");
                    break;
                case "sent" or "sending":
                    Unreached($"still shown {state} after Meta reported it failed with {code}");
                    break;
                case "failed" when namesCode:
                    failed++;
                    toList = true;
                    break;
                case "pending" when namesCode && handling != AfterFailure.Failed:
                    waiting++;
                    toList = true;
                    break;
                case "cancelled" or "skipped" or "opted-out":
                    withdrawn++;
                    break;
                default:
                    Unreached($"shown {state} with last error '{lastError}', which does not name Meta's {code}");
                    break;
            }
            // A cancelled booking lists no failed message its cancel withdrew (all but the cancellation notice).
            var status = booking.GetProperty("status").GetString();
            var ended = (string.Equals(status, "Cancelled", StringComparison.OrdinalIgnoreCase) || string.Equals(status, "Rescheduled", StringComparison.OrdinalIgnoreCase))
                && kind != "Cancellation";
            if (toList && !ended)
            {
                if (onList[id].Any(detail => detail.Contains($"{kind}:", StringComparison.Ordinal)))
                {
                    listed++;
                }
                else
                {
                    Unreached($"shown {state} with {code} but not on /api/attention under message-failed");
                }
            }
        }
        return new(reported, failed, waiting, sentAgain, withdrawn, listed, tooRecent, unreached, inWindow);
    }

    private static string Number(Invitee invitee) => string.Concat(invitee.Phone.Where(char.IsAsciiDigit));
}
