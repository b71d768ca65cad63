using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Chaos;

// ./chaos.sh --minutes N [--seed S] [--out folder] [--port-base P]: faults for N minutes, then the verdict.
// Exit 0: nothing missing, duplicated or forbidden, every booking listed, Meta's template changes shown, every failed status
// on its message; 1: something was not; 2: the run could not be set up.
var settings = ChaosSettings.Parse(args);
Directory.CreateDirectory(settings.Output);
using var log = new ChaosLog(settings.Output);
var random = new Random(settings.Seed);
log.Note($"chaos run: {settings.Duration.TotalMinutes:0.#} min, seed {settings.Seed}, ports from {settings.PortBase}, results in {settings.Output}");
await using var cluster = new ChaosCluster(settings, log);
try
{
    await cluster.StartAsync();
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException or System.ComponentModel.Win32Exception)
{
    log.Note($"could not start: {e.Message}");
    return 2;
}
log.Note("3 silos, the API, Azurite, the fake Graph API and the fake Calendly API are up; streaming bookings");

using var sender = new WebhookSender(cluster.ApiBase, WebhookTarget.Calendly(ChaosCluster.SigningKey), settings.Output);
using var meta = new WebhookSender(cluster.ApiBase, WebhookTarget.Meta(ChaosCluster.MetaAppSecret), settings.Output);
var calendly = new CalendlyMirror(cluster.Calendly);
using var taps = new ClientTaps(cluster.WhatsApp, meta);
using var stops = new ClientStops(cluster.WhatsApp, meta);
var monkey = new ChaosMonkey(cluster, log, random, settings.Duration);
using var stop = new CancellationTokenSource();
var start = DateTimeOffset.UtcNow;
var end = start + settings.Duration;
var scenario = new Scenario(random, end + TimeSpan.FromSeconds(30));
var changes = new MetaChanges(cluster.WhatsApp, meta, start, settings.Duration);
var failures = new AsyncFailures(cluster.WhatsApp, new Random(settings.Seed + 1), start, settings.Duration);
var faults = Task.WhenAll(monkey.RunAsync(stop.Token), changes.RunAsync(stop.Token));
while (DateTimeOffset.UtcNow < end - TimeSpan.FromSeconds(80))
{
    var now = DateTimeOffset.UtcNow;
    var before = scenario.Invitees.Count;
    // Reminders fall due from 30 s after booking to the end of the run.
    scenario.Next(now, ChaosSettings.EarliestStart + TimeSpan.FromTicks(Math.Max(0, (end - now - TimeSpan.FromSeconds(60)).Ticks)));
    foreach (var invitee in scenario.Invitees.Skip(before))
    {
        calendly.Mirror(invitee);
        taps.Plan(invitee);
        stops.Plan(invitee);
        foreach (var delivery in invitee.Deliveries)
        {
            sender.Send(delivery);
        }
    }
    failures.Script(scenario.Invitees, now);
    await Task.Delay(TimeSpan.FromSeconds(1.5 + (2 * random.NextDouble())));
}
log.Note($"{scenario.Invitees.Count} invitees made; faults go on until {settings.Duration.TotalMinutes:0.#} min");
var left = end - DateTimeOffset.UtcNow;
if (left > TimeSpan.Zero)
{
    await Task.Delay(left);
}
await stop.CancelAsync();
await faults;
for (var silo = 0; silo < ChaosSettings.Silos; silo++)
{
    if (!cluster.IsSiloUp(silo))
    {
        await cluster.StartSiloAsync(silo);
    }
}
cluster.WhatsApp.FailEveryoneUntil(DateTimeOffset.MinValue, Turtle.Testing.WhatsApp.WhatsAppFault.ServerError);
log.Note("faults stopped; waiting for what is still due");

// Settle: until every delivery was taken and every owed message sent, the last due time well past, or the limit: the
// settle limit after the faults, and never before the last message due has had the lateness bound to go.
var horizon = end + ChaosSettings.SettleLimit;
var lastDue = scenario.Invitees.Max(i => Verdict.LastDue(i, horizon)) + TimeSpan.FromSeconds(30);
var settleBy = horizon > lastDue + ChaosSettings.LatenessBound ? horizon : lastDue + ChaosSettings.LatenessBound;
IReadOnlyDictionary<Delivery, DeliveryOutcome> Outcomes() => sender.Outcomes.Concat(meta.Outcomes).ToDictionary();
Verdict verdict;
while (true)
{
    var now = DateTimeOffset.UtcNow;
    verdict = Verdict.Of(scenario.Invitees, Outcomes(), cluster.WhatsApp.Accepted, calendly, now, changes.Pause, cluster.WhatsApp.StatusTakenAt);
    if ((sender.Pending + meta.Pending + taps.Pending + stops.Pending == 0 && verdict.Missing.Count + verdict.Awaited == 0 && now > lastDue) || now > settleBy)
    {
        break;
    }
    await Task.Delay(TimeSpan.FromSeconds(5));
}
await taps.StopAsync();
await stops.StopAsync();
await Task.WhenAll(sender.FinishAsync(DateTimeOffset.UtcNow), meta.FinishAsync(DateTimeOffset.UtcNow));
await Task.Delay(TimeSpan.FromSeconds(3));
var outcomes = Outcomes();
verdict = Verdict.Of(scenario.Invitees, outcomes, cluster.WhatsApp.Accepted, calendly, DateTimeOffset.UtcNow, changes.Pause, cluster.WhatsApp.StatusTakenAt);

// The bookings as Turtle shows them, kept beside the verdict.
using var api = new HttpClient { BaseAddress = cluster.ApiBase, Timeout = TimeSpan.FromSeconds(60) };
api.DefaultRequestHeaders.Add("X-Api-Key", ChaosCluster.AdminKey);
var views = await api.GetFromJsonAsync<JsonElement>(new Uri(
    $"/api/appointments?from={Uri.EscapeDataString((start - TimeSpan.FromHours(1)).ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString((end + TimeSpan.FromHours(1)).ToString("O", CultureInfo.InvariantCulture))}", UriKind.Relative));
await File.WriteAllTextAsync(Path.Combine(settings.Output, "appointments.json"), views.GetRawText());
var statuses = views.EnumerateArray().ToDictionary(v => v.GetProperty("id").GetString()!, v => v.GetProperty("status").GetString());
// Meta's template changes as Turtle shows them.
var templates = await api.GetFromJsonAsync<JsonElement>(new Uri("/api/templates", UriKind.Relative));
var attention = await api.GetFromJsonAsync<JsonElement>(new Uri("/api/attention", UriKind.Relative));
await File.WriteAllTextAsync(Path.Combine(settings.Output, "templates.json"), templates.GetRawText());
var unapplied = changes.Unapplied(templates, attention, outcomes);
// Every message Meta failed after accepting it, on its booking as GET /api/appointments/{id} shows it.
var accepted = cluster.WhatsApp.Accepted;
var failedBookings = new Dictionary<string, JsonElement>();
foreach (var id in AsyncFailures.Bookings(accepted))
{
    using var response = await api.GetAsync(new Uri($"/api/appointments/{Uri.EscapeDataString(id)}", UriKind.Relative));
    if (response.IsSuccessStatusCode)
    {
        failedBookings[id] = await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
// Every message to a client Meta accepted is in the client's record once (SPEC §13). A holder flushes its entries a
// moment after the write that stored them, or at its next wake-up when the record could not be reached: that long is waited.
var record = RecordCheck.Judge(accepted, await RecordCheck.ReadAsync(api, accepted));
for (var wait = 0; !record.Passed && wait < 12; wait++)
{
    await Task.Delay(TimeSpan.FromSeconds(5));
    record = RecordCheck.Judge(accepted, await RecordCheck.ReadAsync(api, accepted));
}
// A send whose answer never reached Turtle cannot be tied to Meta's failure of it, which names only its id.
var unanswered = record.InWindow.Select(f => f.MessageId).ToHashSet(StringComparer.Ordinal);
var failedStatuses = AsyncFailures.Judge(accepted, failedBookings, attention, DateTimeOffset.UtcNow, unanswered);
await File.WriteAllLinesAsync(Path.Combine(settings.Output, "graph-requests.txt"), cluster.WhatsApp.Requests.Select(r => r.ToString()));
// Every invitee a webhook about was taken must be listed, as the console shows the week: stored is not enough. So must
// every one only reconciliation could book, once the API had shown it a reconcile interval and the lateness bound ago.
var taken = scenario.Invitees.Where(i => i.Deliveries.Any(d => outcomes.TryGetValue(d, out var o) && o.AcceptedAt is not null)
    || (i.CreateLost && calendly.ShownAt(i) + ChaosSettings.ReconcileInterval + ChaosSettings.LatenessBound < DateTimeOffset.UtcNow));
var unlisted = taken.Where(i => !statuses.ContainsKey(i.Id)).Select(i => i.Id).ToList();
var passed = verdict.Passed && unlisted.Count == 0 && unapplied.Count == 0 && failedStatuses.Unreached.Count == 0 && record.Passed;
int Notifications(string state) => views.EnumerateArray().SelectMany(v => v.GetProperty("notifications").EnumerateArray()).Count(n => n.GetProperty("state").GetString() == state);
var failed = Notifications("failed");
var graph = cluster.WhatsApp.Requests;

bool WasTaken(Invitee invitee, string eventType) => invitee.Deliveries.Any(d => d.Event == eventType && outcomes.TryGetValue(d, out var o) && o.AcceptedAt is not null);
int Taken(string eventType) => scenario.Invitees.Count(i => WasTaken(i, eventType));
// Invitees an event was taken for that got a message of the kind, owed or not (a decline close to the meeting is owed no offer).
var sentKinds = cluster.WhatsApp.Accepted.Select(r => r.BizOpaqueCallbackData).ToHashSet();
int Answered(string eventType, string kind) => scenario.Invitees.Count(i => WasTaken(i, eventType) && sentKinds.Contains($"{i.Id}:{kind}"));
string Owed(string kind) => verdict.ByKind.TryGetValue(kind, out var k) ? $"{k.Sent}/{k.Owed}{(k.FailedAtMeta > 0 ? $" (+{k.FailedAtMeta} failed at Meta)" : "")}" : "0/0";
var lostCreates = scenario.Invitees.Where(i => i.CreateLost).ToList();
var lostCancels = scenario.Invitees.Where(i => i.CancelLost).ToList();
var reconciled = cluster.Reconciliations;
string[] summary =
[
    $"chaos run: {settings.Duration.TotalMinutes:0.#} min of faults (seed {settings.Seed}); 3 silos, the API, Azurite, the fake Graph API and the fake Calendly API on loopback",
    $"bookings: {verdict.Bookings} invitees ({views.GetArrayLength()} listed by GET /api/appointments, {unlisted.Count} taken but not listed); webhook deliveries {sender.Outcomes.Count}, attempts {sender.Attempts}, refused and retried {sender.Refused}, never taken {verdict.Undelivered}",
    $"behaviours: {string.Join(", ", scenario.Invitees.GroupBy(i => i.Behaviour).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"))}",
    $"messages expected: {verdict.Expected}; accepted by the fake: {verdict.Sent} (requests {graph.Count}, refused by its faults {graph.Count(r => r.MessageId is null)}, accepted then reported failed {verdict.FailedLater}); failed on the bookings: {failed}; still awaited at the end: {verdict.Awaited}",
    $"sent of owed, by kind: {string.Join(", ", Verdict.Kinds.Select(k => $"{k} {Owed(k)}"))}",
    $"missing: {verdict.Missing.Count}; duplicated: {verdict.Duplicated.Count} (and {verdict.DuplicatedInWindow.Count} in the known window: Meta's status of the first send reached Turtle only after the send timeout); forbidden: {verdict.Forbidden.Count} (after cancel {verdict.Forbidden.Count(f => f.What.Contains("cancel", StringComparison.Ordinal))}, after start {verdict.Forbidden.Count(f => f.What.Contains("start", StringComparison.Ordinal))}, after a no-show {verdict.Forbidden.Count(f => f.What.Contains("no-show", StringComparison.Ordinal))}, without a decline {verdict.Forbidden.Count(f => f.What.Contains("decline", StringComparison.Ordinal))}, after a STOP {verdict.Forbidden.Count(f => f.What.Contains("STOP", StringComparison.Ordinal))}, while its template was paused {verdict.Forbidden.Count(f => f.What.Contains("paused", StringComparison.Ordinal))})",
    $"worst lateness: {verdict.WorstLateness.TotalSeconds:0.0} s ({verdict.WorstLatenessOf}); late beyond the {ChaosSettings.LatenessBound.TotalSeconds:0} s bound: {verdict.Late.Count}; reminders or bios that never fired: {verdict.Missing.Count(m => m.Kind is "Reminder" or "AdvisorBio")}; bookings whose wake-ups stopped after one fired: {verdict.Stopped.Count}",
    $"no-shows: {Taken("invitee_no_show.created")} marked, {Taken("invitee_no_show.deleted")} taken back; NoShow sent/owed {Owed("NoShow")}, FollowUp sent/owed {Owed("FollowUp")}",
    $"button replies: {taps.Made} tapped ({Taken("reply.decline")} declines, {Taken("reply.attend")} attends, {Taken("reply.decline.other")} declines from another number taken), {taps.Unanswered} never tapped (no Reconfirm before the meeting); Meta deliveries {meta.Outcomes.Count}, attempts {meta.Attempts}, refused and retried {meta.Refused}; RescheduleOffer sent/owed {Owed("RescheduleOffer")} (sent for {Answered("reply.decline", "RescheduleOffer")} of the declines taken, for {Answered("reply.decline.other", "RescheduleOffer") + Answered("reply.attend", "RescheduleOffer")} of the other taps)",
    $"STOPs: {stops.Made} sent ({scenario.Invitees.Count(i => i.Stop is { ByUserId: false })} planned from the number, {scenario.Invitees.Count(i => i.Stop is { ByUserId: true })} naming only the BSUID after adopting a username), {stops.Unsent} given up; taken: {verdict.Stops.FromNumber} from the number, {verdict.Stops.ByUserId} by BSUID; withheld by Turtle as opted out: {Notifications("opted-out")}; messages to a stopped number that reached Meta within {ChaosSettings.InFlight.TotalSeconds:0} s of its STOP being taken (in flight): {verdict.InFlightAtStop}, after that: {verdict.Forbidden.Count(f => f.What.Contains("STOP", StringComparison.Ordinal))}",
    verdict.Paused is { } paused
        ? $"template pause: {changes.Pause.Template} held from {(paused.HeldFrom - start).TotalSeconds:0} s to {(paused.HeldUntil is { } until ? $"{(until - start).TotalSeconds:0} s" : "the end (its resume never taken)")} into the run; {changes.Pause.Kind} owed and due meanwhile {paused.DueWhilePaused}, went after the resume {paused.WentAfterResume}, lost {paused.Lost}; accepted by Meta while paused {paused.SentWhilePaused}"
        : $"template pause: {changes.Pause.Template}'s PAUSED webhook never taken",
    $"template re-categorisation: {changes.Recategorisation.Template} to {changes.Recategorisation.Category}; Meta's template changes not shown by GET /api/templates or /api/attention: {(unapplied.Count == 0 ? "none" : string.Join("; ", unapplied))}",
    $"failed statuses: {failures.Scripted.Count} scripted ({string.Join(", ", failures.Scripted.GroupBy(f => f.Fault.MetaCode).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"))}), {failedStatuses.Reported} posted by Meta and judged ({failedStatuses.TooRecent} too recent to judge); reached their message: {failedStatuses.Reported - failedStatuses.Unreached.Count} (failed with the code {failedStatuses.Failed}, waiting to be retried {failedStatuses.Waiting}, retried and accepted again {failedStatuses.SentAgain}, withdrawn {failedStatuses.Withdrawn}; on /api/attention under message-failed {failedStatuses.Listed}); not reached: {failedStatuses.Unreached.Count} (and {failedStatuses.InWindow} in the known window: failed after an attempt whose answer never reached Turtle, then sent again)",
    $"record: {record.Checked} messages to clients accepted by Meta; in their client's record once {record.Checked - record.Missing.Count - record.Twice.Count - record.InWindow.Count}, missing {record.Missing.Count}, entered twice {record.Twice.Count} (and {record.InWindow.Count} in the known window: entered as an attempt Meta's answer never reached, then sent again)",
    $"lost webhooks: {lostCreates.Count} creates, {lostCreates.Count(i => statuses.ContainsKey(i.Id))} booked by reconciliation; {lostCancels.Count} cancels, {lostCancels.Count(i => string.Equals(statuses.GetValueOrDefault(i.Id), "Cancelled", StringComparison.OrdinalIgnoreCase))} cancelled by reconciliation",
    $"reconciliation: {reconciled.Runs} runs every {ChaosSettings.ReconcileInterval.TotalMinutes:0.#} min, {reconciled.Created} bookings created, {reconciled.Cancelled} cancelled, {reconciled.Failures} runs failed or with errors",
    $"kills survived: {monkey.SiloKills} silo kill -9 (one every 45-90 s, two at once once, the whole cluster once), Azurite stopped 20 s once, {monkey.GraphBursts} Graph bursts (429, 500, 14 s stalls)",
    $"watchdog wake-ups: {cluster.WatchdogWakeups}",
    $"result: {(passed ? "PASS" : "FAIL")}",
];
foreach (var line in summary)
{
    log.Note(line);
}
await File.WriteAllLinesAsync(Path.Combine(settings.Output, "summary.txt"), summary);
await File.WriteAllTextAsync(Path.Combine(settings.Output, "findings.json"), JsonSerializer.Serialize(new
{
    missing = verdict.Missing,
    forbidden = verdict.Forbidden,
    duplicated = verdict.Duplicated,
    duplicatedInWindow = verdict.DuplicatedInWindow,
    late = verdict.Late,
    stopped = verdict.Stopped,
    unlisted,
    paused = verdict.Paused,
    unapplied,
    unreachedFailures = failedStatuses.Unreached,
    recordMissing = record.Missing,
    recordTwice = record.Twice,
    recordInWindow = record.InWindow,
}, new JsonSerializerOptions { WriteIndented = true }));
return passed ? 0 : 1;
