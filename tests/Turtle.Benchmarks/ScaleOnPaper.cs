using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Turtle.Benchmarks;

/// <summary>
/// What one silo, three silos and a real Azure Storage account would carry, worked out from the per-booking costs this
/// run measured: CPU per booking and per message (ingest, due-burst) and storage transactions per booking and per
/// message (whole-life), against Azure Table storage's published targets.
/// </summary>
public static class ScaleOnPaper
{
    /// <summary>Azure Table storage, per account: 20,000 transactions a second (1 KiB entities). learn.microsoft.com/azure/storage/tables/scalability-targets</summary>
    public const double AccountTransactionsPerSecond = 20_000;

    /// <summary>The same page: up to 2,000 entities a second in one table partition.</summary>
    public const double PartitionEntitiesPerSecond = 2_000;

    /// <summary>Share of a host's cores planned for Turtle's own work, leaving room for bursts, GC and the runtime.</summary>
    public const double PlannedUtilisation = 0.7;

    /// <summary>A silo host as deployed (deploy/kubernetes/silo.yaml): the cores this machine has, with storage elsewhere.</summary>
    public const int CoresPerSilo = 2;

    /// <summary>Messages a booking's whole life sends to its client (Confirmation, AdvisorBio, Reconfirm, Reminder, FollowUp).</summary>
    public const int MessagesPerBooking = 5;

    public static void Append(StringBuilder md, List<JsonElement> results)
    {
        var ingestCpu = Detail(results, "ingest", "turtleCoreSecondsPerBooking");
        var burst = results.FirstOrDefault(r => r.GetProperty("scenario").GetString() == "due-burst");
        var life = Metric(results, "whole-life", "storage transactions per booking");
        var perMessage = Metric(results, "whole-life", "per booking: each later message sent");
        var receipts = Metric(results, "whole-life", "per message: its three receipts");
        double? burstCpu = null;
        if (burst.ValueKind == JsonValueKind.Object && burst.TryGetProperty("details", out var details)
            && details.TryGetProperty("windowCpuPercentOfOneCore", out var cpu) && Metric(results, "due-burst", "bookings") is { } count && count > 0)
        {
            var percent = (cpu.TryGetProperty("silo", out var silo) ? silo.GetDouble() : 0) + (cpu.TryGetProperty("api", out var api) ? api.GetDouble() : 0);
            var window = details.TryGetProperty("windowSeconds", out var w) ? w.GetDouble() : 60;
            burstCpu = percent / 100 * window / count;
        }
        if (ingestCpu is null || burstCpu is null || life is null || perMessage is null || receipts is null)
        {
            return;
        }
        var cores = CoresPerSilo * PlannedUtilisation;
        // A booking's day: its ingest, its messages, and their receipts (each receipt costs about what a third of a message does).
        var bookingCpu = ingestCpu.Value + MessagesPerBooking * burstCpu.Value;
        var messageTransactions = perMessage.Value + receipts.Value;
        var perSiloMessagesPerMinute = cores * 60 / burstCpu.Value;
        var perSiloBookingsPerDay = cores * 86_400 / bookingCpu;
        var accountMessagesPerMinute = AccountTransactionsPerSecond * 60 / messageTransactions;
        var accountBookingsPerDay = AccountTransactionsPerSecond * 86_400 / life.Value;

        string N(double x) => x.ToString("#,0", CultureInfo.InvariantCulture);
        md.AppendLine("## Scale beyond one machine, on paper").AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"From this run's per-booking costs: CPU (silo and API) {ingestCpu * 1000:0.#} ms a booking ingested (ingest, 32 in flight) and ")
            .Append(CultureInfo.InvariantCulture, $"{burstCpu * 1000:0.#} ms a message sent at the burst (due-burst, with its receipts); storage {life:0.#} transactions a booking's whole life and ")
            .Append(CultureInfo.InvariantCulture, $"{messageTransactions:0.#} a message with its three receipts (whole-life). A silo host plans on {PlannedUtilisation:P0} of its {CoresPerSilo} cores, with ")
            .Append("storage elsewhere (here Azurite shared the cores, so these CPU figures include its share of the machine and are pessimistic). Bookings spread over silos by ")
            .Append("hash and reminders by range, so silos add linearly until storage binds; each booking, reminder and client record is its own table partition, ")
            .Append("so Azure's per-partition target (2,000 entities/s) is not the one that binds: the busiest shared rows, a day's index shards and insight tallies, are written behind, a few times a second at most.")
            .AppendLine().AppendLine();
        md.AppendLine("| deployment | bookings a day (a whole life each) | messages a minute at 9:00 | bound by |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| one silo | {N(perSiloBookingsPerDay)} | {N(perSiloMessagesPerMinute)} | CPU |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| three silos | {N(Math.Min(3 * perSiloBookingsPerDay, accountBookingsPerDay))} | {N(Math.Min(3 * perSiloMessagesPerMinute, accountMessagesPerMinute))} | CPU |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| one Azure Storage account (any number of silos) | {N(accountBookingsPerDay)} | {N(accountMessagesPerMinute)} | {N(AccountTransactionsPerSecond)} transactions/s per account |");
        md.AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"Silos needed to reach the account's limit at 9:00: {Math.Ceiling(accountMessagesPerMinute / perSiloMessagesPerMinute):0}. ")
            .Append("Meta's own limit comes first in practice: one business number carries 80 messages a second by default (4,800 a minute), 1,000 once Meta ")
            .Append("upgrades it (60,000 a minute), inbound included (developers.facebook.com/documentation/business-messaging/whatsapp/throughput).")
            .AppendLine().AppendLine();
    }

    private static double? Metric(List<JsonElement> results, string scenario, string prefix)
    {
        var result = results.FirstOrDefault(r => r.GetProperty("scenario").GetString() == scenario);
        if (result.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var metric in result.GetProperty("metrics").EnumerateArray())
        {
            if (metric.GetProperty("name").GetString()!.StartsWith(prefix, StringComparison.Ordinal))
            {
                return metric.GetProperty("value").GetDouble();
            }
        }
        return null;
    }

    private static double? Detail(List<JsonElement> results, string scenario, string name)
    {
        var result = results.FirstOrDefault(r => r.GetProperty("scenario").GetString() == scenario);
        return result.ValueKind == JsonValueKind.Object && result.TryGetProperty("details", out var details)
            && details.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
    }
}
