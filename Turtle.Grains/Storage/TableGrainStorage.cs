using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Storage;

namespace Turtle.Grains.Storage;

/// <summary>
/// Grain state in an Azure Table, one entity per grain, written with the Orleans serializer and guarded by
/// the entity's ETag. Both keys carry the grain id, so a lookup is a point read on any table service:
/// Orleans' own table provider keys every grain of a type under one shared RowKey, which the Azurite
/// emulator answers by scanning every row of that type (each booking's read and write then grows with the
/// number of bookings stored).
/// </summary>
public sealed partial class TableGrainStorage(
    string name,
    string serviceId,
    TableServiceClient service,
    Serializer serializer,
    ILogger<TableGrainStorage> logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Azure Tables limit a binary property to 64 KiB; larger states spread over several.</summary>
    private const int ChunkSize = 64 * 1024;
    private const int MaxChunks = 15;

    private readonly TableClient _table = service.GetTableClient(TableName(name));

    public static string TableName(string storageName) => "Turtle" + char.ToUpperInvariant(storageName[0]) + storageName[1..];

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(TableGrainStorage)}-{name}", ServiceLifecycleStage.ApplicationServices, async ct => await _table.CreateIfNotExistsAsync(ct));

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (partition, row) = Keys(stateName, grainId);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row);
        if (!found.HasValue || found.Value is not { } entity)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = serializer.Deserialize<T>(Join(entity));
        grainState.ETag = entity.ETag.ToString();
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (partition, row) = Keys(stateName, grainId);
        var entity = new TableEntity(partition, row);
        Split(serializer.SerializeToArray(grainState.State), entity);
        try
        {
            var response = grainState.ETag is null
                ? await _table.AddEntityAsync(entity)
                : await _table.UpdateEntityAsync(entity, new ETag(grainState.ETag), TableUpdateMode.Replace);
            grainState.ETag = response.Headers.ETag?.ToString();
            grainState.RecordExists = true;
        }
        catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            // Another activation wrote first (or removed it): this copy is stale and must not win.
            LogConflict(logger, name, grainId, e.Status);
            throw new InconsistentStateException($"{name}: state of {grainId} changed in storage ({e.Status})", "unknown", grainState.ETag, e);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            var (partition, row) = Keys(stateName, grainId);
            try
            {
                await _table.DeleteEntityAsync(partition, row, new ETag(grainState.ETag));
            }
            catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed)
            {
                throw new InconsistentStateException($"{name}: state of {grainId} changed in storage", "unknown", grainState.ETag, e);
            }
        }
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>
    /// Partition and row both name the service and the grain (services may share an account); characters Azure
    /// forbids in keys are escaped.
    /// </summary>
    private (string Partition, string Row) Keys(string stateName, GrainId grainId)
    {
        var id = $"{Escape(serviceId)}_{Escape(grainId.ToString())}";
        return (id, $"{id}|{Escape(stateName)}");
    }

    private static string Escape(string key)
    {
        var escaped = new System.Text.StringBuilder(key.Length);
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                escaped.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }

    private static void Split(byte[] data, TableEntity entity)
    {
        if (data.Length > ChunkSize * MaxChunks)
        {
            throw new InvalidOperationException($"Grain state of {data.Length} bytes is over the {ChunkSize * MaxChunks} bytes a table entity holds.");
        }
        for (int i = 0, offset = 0; offset < data.Length || i == 0; i++, offset += ChunkSize)
        {
            entity[$"Data{i}"] = data.AsSpan(offset, Math.Min(ChunkSize, data.Length - offset)).ToArray();
        }
    }

    private static byte[] Join(TableEntity entity)
    {
        using var buffer = new MemoryStream();
        for (var i = 0; entity.TryGetValue($"Data{i}", out var chunk) && chunk is byte[] bytes; i++)
        {
            buffer.Write(bytes);
        }
        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage {Storage}: write of {GrainId} refused, the stored copy changed ({Status})")]
    private static partial void LogConflict(ILogger logger, string storage, GrainId grainId, int status);
}
