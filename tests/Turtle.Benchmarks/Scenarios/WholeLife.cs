using System.Diagnostics;
using System.Globalization;
using System.Net;
using Turtle.Grains;
using Turtle.Grains.Advisors;
using Turtle.Grains.Appointments;
using Turtle.Testing;
using Turtle.Testing.Calendly;
using Turtle.Testing.Processes;
using Turtle.Testing.WhatsApp;

namespace Turtle.Benchmarks.Scenarios;

/// <summary>
/// What a booking costs in storage over its whole life, counted by a proxy in front of Azurite's table endpoint: the
/// webhook with its Confirmation and AdvisorBooked, AdvisorBio, the advisors' agenda, Reconfirm, the client's tap on
/// attend, Reminder and FollowUp, and three Meta status receipts (sent, delivered, read) for every message. Lead times
/// are shortened so that one step follows the other a gap apart; between steps every booking is taken out of memory, as
/// the hours between its messages do in production, so each wake-up reads its row again.
/// </summary>
public static class WholeLife
{
    /// <summary>A guard on the whole life, the record included (issue 37): a regression shows here first.</summary>
    public const double Target = 40;

    /// <summary>Azure Table storage list price, standard LRS, every operation alike (README, "What a booking costs").</summary>
    public const double PricePer10kTransactions = 0.00036;

    /// <summary>The same price list's capacity price, per GB stored for a month.</summary>
    public const double PricePerGbMonth = 0.045;

    private static readonly string[] Advisors = ["priya.sharma@turtle.example", "arjun.mehta@turtle.example", "meera.iyer@turtle.example"];
    private static readonly string[] Receipts = ["sent", "delivered", "read"];
    private static readonly TimeSpan Meeting = TimeSpan.FromSeconds(10);

    /// <summary>Past the index's flush delay: one wave's index writes are done before the next wave's begin.</summary>
    private static readonly TimeSpan WaveSpacing = AppointmentIndexGrain.FlushDelay + TimeSpan.FromSeconds(1);

    /// <summary>Between two webhooks: an advisor's next AdvisorBooked (one booking in three) finds its number's slot free.</summary>
    private static readonly TimeSpan BookingInterval = TimeSpan.FromSeconds(0.5);
    private const string Membership = "OrleansSiloInstances";

    public static async Task<ScenarioResult> RunAsync(BenchSettings settings)
    {
        var result = new ScenarioResult("whole-life", settings.Smoke, settings.Environment);
        var count = settings.Smoke ? 5 : settings.WholeLifeBookings;
        // A step's last writes come up to some 15 s after its messages: the insight tally a second after the booking's write,
        // its day's write five seconds later, and the booking hearing it stored on its next ask seven seconds after that.
        var gap = settings.Smoke ? TimeSpan.FromSeconds(35) : settings.WholeLifeGap;
        // The steps' times are fixed before the silo starts: the agenda's time of day is configuration. The webhooks get
        // two gaps, every later step one. The smoke run shares the machine with the whole test suite, so its deployment
        // gets as long as the full run's.
        var begin = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(150);
        DateTimeOffset Step(int n) => begin + gap * (n == 0 ? 0 : n + 1);
        var start = Step(6);
        var firm = TimeZoneInfo.FindSystemTimeZoneById(NotificationOptions.DefaultFirmTimeZone);
        var agendaAt = TimeZoneInfo.ConvertTime(Step(2), firm);
        var agendaToday = agendaAt.Date == TimeZoneInfo.ConvertTime(start, firm).Date;

        await using var proxy = new TableProxy(TestStorage.ConnectionString) { Label = RowKinds.Of };
        await proxy.StartAsync();
        await using var turtle = new TurtleDeployment(new Dictionary<string, string?>
        {
            ["ConnectionStrings__AzureStorage"] = proxy.ConnectionString,
            ["Notifications__AdvisorBioLeadTime"] = (start - Step(1)).ToString(),
            ["Notifications__ReconfirmLeadTime"] = (start - Step(3)).ToString(),
            ["Notifications__ReminderLeadTimes__0"] = (start - Step(5)).ToString(),
            ["Notifications__FollowUpDelay"] = (Step(7) - start - Meeting).ToString(),
            ["Notifications__AgendaTime"] = agendaAt.TimeOfDay.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture),
            // Shorter than a gap, so every wake-up is its reminder's own tick, as in production (a shorter wait takes a timer).
            ["Notifications__ReminderPeriod"] = "00:00:05",
            // Each advisor gets every third booking's AdvisorBooked, half a second apart: spaced 6 s, they would queue.
            ["Notifications__RecipientSpacing"] = "00:00:00.100",
        });
        await turtle.StartAsync();
        await using var cluster = await ClusterControl.ConnectAsync(turtle.ClusterId);
        using var load = new BookingLoad(turtle.ApiBase);
        var life = new Life(turtle.WhatsApp, new Uri(turtle.ApiBase, "/webhooks/whatsapp"), proxy);

        // Warm-up, not counted: table creation, the advisor directory, each advisor's first booking, both webhooks' paths.
        var warm = Enumerable.Range(0, Advisors.Length).Select(i => (Id: Guid.NewGuid().ToString(), Phone: BookingLoad.NextPhone())).ToList();
        await Task.WhenAll(warm.Select((b, i) => load.PostAsync(b.Id, CalendlyWebhooks.InviteeCreated(b.Id, b.Phone, DateTimeOffset.UtcNow.AddDays(3), hostEmail: Advisors[i]))));
        await life.WaitForAsync([.. warm.SelectMany(b => new[] { $"{b.Id}:Confirmation", $"{b.Id}:AdvisorBooked" })], DateTimeOffset.UtcNow.AddSeconds(60));
        await life.PostReceiptsAsync();
        await turtle.WhatsApp.PostButtonTapAsync(life.Webhook, TurtleDeployment.AppSecret, PhoneMask.Digits(warm[0].Phone), $"{warm[0].Id}:attend", "Yes");
        // Past the agenda's and the index's write-behind delays, so none of the warm-up lands in the background.
        await Task.Delay(AdvisorAgendaGrain.ArmDelay + AppointmentIndexGrain.FlushDelay);
        await life.SettleAsync();
        if (DateTimeOffset.UtcNow > begin - TimeSpan.FromSeconds(5))
        {
            throw new InvalidOperationException($"the deployment and its warm-up took until {DateTimeOffset.UtcNow:HH:mm:ss}, past the first step at {begin:HH:mm:ss}");
        }

        // The rest of start-up (the watchdog's first sweep activates the current days' index shards): none of it is a booking's.
        var idle = life.Mark();
        await Life.UntilAsync(begin);
        result.Details["afterWarmUpBeforeTheBookings"] = life.Window("after the warm-up", idle).Counts;

        var bookings = Bookings(count, start);
        var ids = bookings.Select(b => b.Id).ToList();
        Task OutOfMemory() => cluster.TakeOutOfMemoryAsync(bookings.Select(b => (b.Id, b.Phone)));
        var posted = new List<PostedBooking>();
        await life.StepAsync("ingest: webhook, Confirmation, AdvisorBooked", Step(1), async () =>
        {
            // One at a time, as bookings arrive: an advisor's AdvisorBooked finds the number's send slot free, not queued.
            for (var i = 0; i < bookings.Count; i++)
            {
                await Life.DelayUntilAsync(begin + BookingInterval * i);
                var b = bookings[i];
                var body = CalendlyWebhooks.InviteeCreated(b.Id, b.Phone, b.Start, hostEmail: Advisors[i % Advisors.Length], end: b.Start + Meeting);
                posted.Add(await load.PostAsync(b.Id, body));
            }
            return [.. ids.SelectMany(id => new[] { $"{id}:Confirmation", $"{id}:AdvisorBooked" })];
        }, OutOfMemory);
        await life.StepAsync("AdvisorBio", Step(2), Expect(ids, NotificationKind.AdvisorBio), OutOfMemory);
        if (agendaToday)
        {
            await life.StepAsync("AdvisorAgenda (one per advisor and day)", Step(3), () => Task.FromResult<IReadOnlyCollection<string>>(
                [.. Advisors.Select(a => $"agenda:{AgendaKey.For(DateOnly.FromDateTime(agendaAt.Date), a)}:{NotificationKind.AdvisorAgenda}")]),
                // The agenda read every booking of the day: in production hours pass before their next message.
                OutOfMemory);
        }
        else
        {
            result.Notes.Add("The agenda's time and the meetings fell on different days in the firm's zone (a run across its midnight): no agenda was sent.");
            await Life.UntilAsync(Step(3));
        }
        await life.StepAsync("Reconfirm", Step(4), Expect(ids, NotificationKind.Reconfirm), OutOfMemory);
        var taps = 0;
        await life.StepAsync("reply: the client taps attend", Step(5), async () =>
        {
            var reconfirms = turtle.WhatsApp.Accepted.Where(r => r.BizOpaqueCallbackData?.EndsWith($":{NotificationKind.Reconfirm}", StringComparison.Ordinal) == true)
                .ToDictionary(r => r.BizOpaqueCallbackData!);
            await Parallel.ForEachAsync(bookings, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, _) =>
            {
                var reconfirm = reconfirms[$"{b.Id}:{NotificationKind.Reconfirm}"];
                var status = await turtle.WhatsApp.PostButtonTapAsync(life.Webhook, TurtleDeployment.AppSecret, reconfirm.To!, reconfirm.ButtonPayloads[0], "Yes, I will attend", reconfirm.MessageId);
                if (status == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref taps);
                }
            });
            return [];
        }, OutOfMemory);
        // The meeting starts and ends between the reminder and the follow-up; nothing is sent for it.
        await life.StepAsync("Reminder", Step(7), Expect(ids, NotificationKind.Reminder), OutOfMemory);
        await life.StepAsync("FollowUp, after the meeting", null, Expect(ids, NotificationKind.FollowUp), () => Task.CompletedTask);

        // Read back after the count: these reads are the benchmark's, not the booking's.
        var unfinished = await cluster.UnfinishedAsync(ids);
        var rowBytes = await SiloMetrics.AppointmentRowBytesAsync(turtle.ClusterId, ids);
        Report(result, life, count, rowBytes, agendaToday);
        result.MustBeZero("webhooks not acked", posted.Count(p => p.Status != 200));
        result.MustBeZero("messages missing", life.Missing);
        result.MustBeZero("messages sent twice", new Deliveries(turtle.WhatsApp.Requests).Duplicates);
        result.MustBeZero("receipts not taken", life.ReceiptsRefused);
        result.MustBeZero("attend taps not taken", count - taps);
        result.MustBeZero("bookings not ending confirmed with every message read", unfinished);
        if (settings.Smoke)
        {
            // The smoke run shares two cores with the whole suite: a step that ends a second late there says nothing of
            // Turtle, only that its counts may spill into the next step's window. A full run must have none.
            result.Add("steps that ran into the next", life.Overruns, "");
            if (life.Overruns > 0)
            {
                result.Notes.Add($"{life.Overruns} step(s) ran into the next under the suite's load; their counts may fall partly in the next window.");
            }
        }
        else
        {
            result.MustBeZero("steps that ran into the next", life.Overruns);
        }
        result.Details["gapSeconds"] = gap.TotalSeconds;
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    /// <summary>
    /// The bookings, in waves of one per index shard of the day, each wave's meeting <see cref="WaveSpacing"/> after the
    /// last: no two share an index write (its write-behind gathers what one shard learns within its flush delay), as
    /// bookings spread over a real day do not. Thousands of bookings at one instant would share them.
    /// </summary>
    private static List<(string Id, string Phone, DateTimeOffset Start)> Bookings(int count, DateTimeOffset start) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var meeting = start + WaveSpacing * (i / AppointmentIndex.ShardsPerDay);
            var shard = $"/{i % AppointmentIndex.ShardsPerDay:00}";
            var id = Guid.NewGuid().ToString();
            while (!AppointmentIndex.Key(meeting, id).EndsWith(shard, StringComparison.Ordinal))
            {
                id = Guid.NewGuid().ToString();
            }
            return (id, BookingLoad.NextPhone(), meeting);
        })];

    private static Func<Task<IReadOnlyCollection<string>>> Expect(IEnumerable<string> ids, NotificationKind kind) =>
        () => Task.FromResult<IReadOnlyCollection<string>>([.. ids.Select(id => $"{id}:{kind}")]);

    private static void Report(ScenarioResult result, Life life, int count, List<int> rowBytes, bool agenda)
    {
        var windows = life.Windows;
        double PerBooking(IEnumerable<Window> w, Func<string, bool>? verb = null) =>
            w.Sum(x => x.Counts.Where(kv => verb?.Invoke(kv.Key) != false).Sum(kv => kv.Value)) / (double)count;
        static bool IsRead(string key) => key.StartsWith("GET", StringComparison.Ordinal);
        string[] later = ["AdvisorBio", "Reconfirm", "Reminder", "FollowUp"];
        var messages = windows.Where(w => w.Kind == WindowKind.Messages && later.Any(kind => w.Name.StartsWith(kind, StringComparison.Ordinal))).ToList();
        var receipts = windows.Where(w => w.Kind == WindowKind.Receipts).ToList();
        // The agenda's receipts name no booking (its callback data is the agenda's): they cost nothing and are left out here.
        var bookingReceipts = receipts.Where(w => !w.Name.StartsWith("AdvisorAgenda", StringComparison.Ordinal)).ToList();
        var total = PerBooking(windows);
        result.Add("bookings", count, "");
        result.Add("storage transactions per booking, webhook to FollowUp (reads and writes)", total, "transactions", Target, higherIsBetter: false);
        result.Add("table writes per booking", PerBooking(windows, k => !IsRead(k)), "writes");
        result.Add("table reads per booking", PerBooking(windows, IsRead), "reads");
        result.Add("per booking: ingest (webhook, Confirmation, AdvisorBooked)", PerBooking(windows.Where(w => w.Kind == WindowKind.Messages && w.Name.StartsWith("ingest", StringComparison.Ordinal))), "transactions");
        result.Add("per booking: each later message sent (mean of AdvisorBio, Reconfirm, Reminder, FollowUp)", PerBooking(messages) / messages.Count, "transactions");
        result.Add("per message: its three receipts (sent, delivered, read)", bookingReceipts.Sum(w => w.Total) / (double)bookingReceipts.Sum(w => w.Messages), "transactions");
        result.Add("per booking: all receipts", PerBooking(receipts), "transactions");
        result.Add("per booking: the attend reply", PerBooking(windows.Where(w => w.Name.StartsWith("reply", StringComparison.Ordinal) && w.Kind == WindowKind.Messages)), "transactions");
        result.Add("per booking: between steps (out of memory, background)", PerBooking(windows.Where(w => w.Kind == WindowKind.Between)), "transactions");
        result.Add("per booking: reminder table (arming, re-arming, removing)", PerBooking(windows, k => k.EndsWith(" OrleansReminders", StringComparison.Ordinal)), "transactions");
        // The firm's record (SPEC §13): its entity group transactions, each client's day list, and reading a chain's end
        // when a client's record grain activates.
        result.Add("per booking: the client's record (TurtleRecord)", PerBooking(windows, k => k.Contains("TurtleRecord", StringComparison.Ordinal)), "transactions");
        if (agenda)
        {
            // The agenda lists the day from its bookings: each is read (activated) for it; the rest is the agenda's own.
            var agendaRows = windows.Where(w => w.Name.StartsWith("AdvisorAgenda", StringComparison.Ordinal)).SelectMany(w => w.Labelled).ToList();
            var bookingReads = agendaRows.Where(kv => kv.Key.EndsWith(" appointment", StringComparison.Ordinal)).Sum(kv => kv.Value);
            result.Add("advisors' agenda: its own transactions per agenda (state, reminder)", (agendaRows.Sum(kv => kv.Value) - bookingReads) / (double)Advisors.Length, "transactions");
            result.Add("advisors' agenda: reads of the day's bookings, per booking", bookingReads / (double)count, "reads");
        }
        var between = windows.Where(w => w.Kind == WindowKind.Between).ToList();
        result.Add("between steps, with nothing due (membership aside)", between.Sum(w => w.Total) / between.Sum(w => w.Seconds) * 60, "transactions/min");
        result.Add("Azure Table transaction cost per 10,000 bookings (whole life)", total * PricePer10kTransactions, "USD");
        if (rowBytes.Count > 0)
        {
            result.Add("appointment row after its whole life (mean)", rowBytes.Average(), "bytes");
            result.Add("Azure Table storage of 10,000 bookings' rows, per month kept", rowBytes.Average() * 10_000 / 1e9 * PricePerGbMonth, "USD");
        }

        result.Details["perBookingByPhase"] = windows.ToDictionary(w => w.Name, w => new
        {
            transactions = w.Total / (double)count,
            writes = w.Counts.Where(kv => !IsRead(kv.Key)).Sum(kv => kv.Value) / (double)count,
            reads = w.Counts.Where(kv => IsRead(kv.Key)).Sum(kv => kv.Value) / (double)count,
            byTableAndVerb = PerKey(w.Counts, count),
        });
        var all = windows.SelectMany(w => w.Counts).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        result.Details["perBookingByTableAndVerb"] = PerKey(all, count);
        var rows = windows.SelectMany(w => w.Labelled).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        result.Details["perBookingByRowKind"] = PerKey(rows, count);
        result.Details["messagesReceipted"] = receipts.Sum(w => w.Messages);
        Console.WriteLine($"  whole-life per booking: {string.Join(", ", PerKey(all, count).Select(kv => $"{kv.Key} {kv.Value:0.00}"))}");
        Console.WriteLine($"  whole-life per booking by row: {string.Join(", ", PerKey(rows, count).Select(kv => $"{kv.Key} {kv.Value:0.00}"))}");
        foreach (var w in windows)
        {
            Console.WriteLine($"  whole-life {w.Name} [{w.Kind}]: {w.Total / (double)count:0.00} per booking ({string.Join(", ", PerKey(w.Labelled, count).Select(kv => $"{kv.Key} {kv.Value:0.00}"))})");
        }

        result.Notes.Add($"Every table request through a counting proxy in front of Azurite (the membership table's OrleansSiloInstances heartbeats left out), {count} bookings from webhook to FollowUp, after a warm-up that is not counted. A request is one billed transaction.");
        result.Notes.Add("One step a gap apart: ingest, AdvisorBio, the advisors' agenda, Reconfirm, the attend tap, Reminder, FollowUp after the meeting. After each step's messages, Meta's three receipts per message (sent, delivered, read) are posted one webhook each; then every booking and its client's number are taken out of memory (Orleans DeactivateOnIdle through a cluster client), as the hours between messages do in production.");
        result.Notes.Add($"Cost at ${PricePer10kTransactions.ToString(CultureInfo.InvariantCulture)} per 10,000 transactions (Azure Table storage, standard LRS; source and date in the README).");
    }

    private static SortedDictionary<string, double> PerKey(Dictionary<string, int> counts, int count) =>
        new(counts.Where(kv => kv.Value > 0).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value / (double)count, 3)), StringComparer.Ordinal);

    private enum WindowKind { Messages, Receipts, Between, Background }

    /// <summary>What storage saw in one stretch of the run: requests by "VERB Table" and by "VERB Table row-kind".</summary>
    private sealed record Window(string Name, WindowKind Kind, Dictionary<string, int> Counts, Dictionary<string, int> Labelled, double Seconds)
    {
        /// <summary>For receipts: how many messages they were about.</summary>
        public int Messages { get; init; }

        public int Total => Counts.Values.Sum();
    }

    /// <summary>The proxy's counts at one moment.</summary>
    private sealed record Mark(Dictionary<string, int> Counts, Dictionary<string, int> Labelled, DateTimeOffset At);

    /// <summary>The run's clock and ledger: steps, their receipts, and every stretch of storage traffic between marks.</summary>
    private sealed class Life(FakeWhatsAppApi meta, Uri webhook, TableProxy proxy)
    {
        private readonly HashSet<string> _receipted = [];
        private Mark _mark = new([], [], DateTimeOffset.UtcNow);

        public Uri Webhook => webhook;
        public List<Window> Windows { get; } = [];
        public int Missing { get; private set; }
        public int ReceiptsRefused { get; private set; }
        public int Overruns { get; private set; }

        /// <summary>Index flushes land five seconds after a change: quiet for longer than that, the step's writes are in.</summary>
        private static readonly TimeSpan Quiet = AppointmentIndexGrain.FlushDelay + TimeSpan.FromSeconds(1);

        public Mark Mark() => _mark = new Mark(Without(proxy.Snapshot()), Without(proxy.LabelledSnapshot()), DateTimeOffset.UtcNow);

        public Window Window(string name, Mark from, WindowKind kind = WindowKind.Background)
        {
            var to = Mark();
            return new Window(name, kind, Delta(to.Counts, from.Counts), Delta(to.Labelled, from.Labelled), (to.At - from.At).TotalSeconds);
        }

        /// <summary>
        /// One step: what starts it (a webhook, or nothing when the bookings' reminders do), its messages, their receipts,
        /// then the bookings out of memory and a wait until the next step, each counted apart.
        /// </summary>
        public async Task StepAsync(string name, DateTimeOffset? next, Func<Task<IReadOnlyCollection<string>>> act, Func<Task> afterwards)
        {
            var from = _mark;
            var expected = await act();
            await WaitForAsync(expected, next ?? DateTimeOffset.UtcNow.AddMinutes(2));
            await SettleAsync();
            Windows.Add(Window(name, from, WindowKind.Messages));
            var receipts = _mark;
            if (await PostReceiptsAsync() is > 0 and var messages)
            {
                await SettleAsync();
                Windows.Add(Window(name + ": receipts", receipts, WindowKind.Receipts) with { Messages = messages });
            }
            var between = _mark;
            await afterwards();
            if (next is { } at)
            {
                if (DateTimeOffset.UtcNow > at - TimeSpan.FromSeconds(1))
                {
                    Overruns++;
                    Console.WriteLine($"  whole-life: {name} ran until {DateTimeOffset.UtcNow:HH:mm:ss}, past the next step at {at:HH:mm:ss}; use a longer --whole-life-gap");
                }
                await UntilAsync(at);
                Windows.Add(Window($"between {name} and the next step", between, WindowKind.Between));
            }
            Console.WriteLine($"  whole-life {DateTimeOffset.UtcNow:HH:mm:ss} {name}: done");
        }

        /// <summary>Until a second before <paramref name="at"/>: the reminders of the next step fire at it.</summary>
        public static Task UntilAsync(DateTimeOffset at) => DelayUntilAsync(at - TimeSpan.FromSeconds(1));

        public static async Task DelayUntilAsync(DateTimeOffset at)
        {
            var wait = at - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        public async Task WaitForAsync(IReadOnlyCollection<string> expected, DateTimeOffset deadline)
        {
            if (expected.Count > 0)
            {
                Missing += (await Deliveries.WaitForAsync(meta, expected, deadline)).Missing(expected);
            }
        }

        /// <summary>Meta's three statuses for every message accepted since the last call, one webhook each, status by status.</summary>
        public async Task<int> PostReceiptsAsync()
        {
            var accepted = meta.Accepted.Where(r => _receipted.Add(r.MessageId!)).ToList();
            foreach (var status in Receipts)
            {
                await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, _) =>
                {
                    if (await meta.PostStatusAsync(webhook, TurtleDeployment.AppSecret, r.MessageId!, r.To!, status, r.BizOpaqueCallbackData) != HttpStatusCode.OK)
                    {
                        lock (_receipted)
                        {
                            ReceiptsRefused++;
                        }
                    }
                });
            }
            return accepted.Count;
        }

        /// <summary>Waits until storage has been quiet (membership aside) for a while: the step's last writes are in.</summary>
        public async Task SettleAsync()
        {
            var deadline = Stopwatch.StartNew();
            var quiet = Stopwatch.StartNew();
            var last = Without(proxy.Snapshot()).Values.Sum();
            while (quiet.Elapsed < Quiet && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250);
                var now = Without(proxy.Snapshot()).Values.Sum();
                if (now != last)
                {
                    last = now;
                    quiet.Restart();
                }
            }
        }

        private static Dictionary<string, int> Without(Dictionary<string, int> counts) =>
            counts.Where(kv => !kv.Key.Contains(Membership, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);

        private static Dictionary<string, int> Delta(Dictionary<string, int> now, Dictionary<string, int> before) =>
            now.Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key))).Where(x => x.Count > 0).ToDictionary(x => x.Key, x => x.Count);
    }
}
