using Azure.Data.Tables;
using Turtle.Testing;

namespace Turtle.Benchmarks;

public static class SiloMetrics
{
    /// <summary>Resident set size of a process, from /proc (Linux), in MiB.</summary>
    public static double RssMiB(int pid) => StatusField(pid, "VmRSS:") is { } kb ? kb / 1024.0 : double.NaN;

    /// <summary>Threads (tasks) of a process, from /proc (Linux).</summary>
    public static int Threads(int pid) => (int)(StatusField(pid, "Threads:") ?? 0);

    /// <summary>Rows of the Orleans reminder table belonging to one service (partition keys start with "{serviceId}_").</summary>
    public static async Task<int> ReminderRowsAsync(string serviceId)
    {
        var table = TestStorage.CreateTableClient().GetTableClient("OrleansReminders");
        var count = 0;
        var filter = ReminderRows(serviceId);
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"]))
        {
            count++;
        }
        return count;
    }

    /// <summary>
    /// Deletes a service's appointment and reminder rows: Azurite's CPU per request grows with the rows it holds
    /// (Azure Storage's does not), so without this every repetition would be slower than the last.
    /// </summary>
    public static async Task<int> DeleteBookingRowsAsync(string serviceId) =>
        await DeleteRowsAsync("TurtleAppointments", AppointmentRows(serviceId)) + await DeleteRowsAsync("OrleansReminders", ReminderRows(serviceId));

    private static async Task<int> DeleteRowsAsync(string tableName, string filter)
    {
        var table = TestStorage.CreateTableClient().GetTableClient(tableName);
        var keys = new List<(string, string)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"]))
        {
            keys.Add((entity.PartitionKey, entity.RowKey));
        }
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (key, ct) => await table.DeleteEntityAsync(key.Item1, key.Item2, cancellationToken: ct));
        return keys.Count;
    }

    /// <summary>Bytes of one stored appointment row (its properties' sizes), to size the storage-limit entity.</summary>
    public static async Task<int?> AppointmentEntityBytesAsync(string serviceId)
    {
        var table = TestStorage.CreateTableClient().GetTableClient("TurtleAppointments");
        var filter = AppointmentRows(serviceId);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1))
        {
            return EntityBytes(entity);
        }
        return null;
    }

    /// <summary>Bytes of these bookings' rows (grain-state rows "{service}_appointment_{id}"), read straight from storage.</summary>
    public static async Task<List<int>> AppointmentRowBytesAsync(string serviceId, IEnumerable<string> appointmentIds)
    {
        var table = TestStorage.CreateTableClient().GetTableClient("TurtleAppointments");
        var wanted = appointmentIds.Select(id => $"{serviceId}_appointment_{id}").ToHashSet(StringComparer.Ordinal);
        var sizes = new List<int>();
        await foreach (var entity in table.QueryAsync<TableEntity>($"{AppointmentRows(serviceId)} and RowKey eq 'appointment'", maxPerPage: 1000))
        {
            if (wanted.Contains(entity.PartitionKey))
            {
                sizes.Add(EntityBytes(entity));
            }
        }
        return sizes;
    }

    private static int EntityBytes(TableEntity entity) => entity.Sum(p => p.Key.Length + p.Value switch
    {
        byte[] bytes => bytes.Length,
        string text => text.Length,
        _ => 8,
    });

    /// <summary>A service's rows in Turtle's tables: partition keys start with the service id.</summary>
    private static string AppointmentRows(string serviceId) => $"PartitionKey ge '{serviceId}' and PartitionKey lt '{serviceId}~'";

    /// <summary>A service's reminder rows: partition keys start with "{serviceId}_", and '`' follows '_' in ordinal order.</summary>
    private static string ReminderRows(string serviceId) => $"PartitionKey ge '{serviceId}_' and PartitionKey lt '{serviceId}`'";

    /// <summary>The leading number of a line of /proc/{pid}/status, e.g. kB for <c>VmRSS:</c>.</summary>
    private static long? StatusField(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return null;
    }
}
