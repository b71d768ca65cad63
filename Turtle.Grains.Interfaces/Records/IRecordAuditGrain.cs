namespace Turtle.Grains.Records;

/// <summary>The staff actions in the firm's record (SPEC §14's audit), read across clients (key 0; a stateless worker).</summary>
public interface IRecordAuditGrain : IGrainWithIntegerKey
{
    /// <summary>The staff entries whose time is in [<paramref name="since"/>, <paramref name="until"/>), oldest first.</summary>
    Task<IReadOnlyList<StaffRecordEntry>> ListAsync(DateTimeOffset since, DateTimeOffset until);
}

/// <summary>A staff action as the record holds it, and the client whose chain it is in (null: the firm's own chain).</summary>
[GenerateSerializer, Immutable, Alias("Turtle.StaffRecordEntry")]
public sealed record StaffRecordEntry([property: Id(0)] string? Client, [property: Id(1)] RecordEntry Entry);
