namespace Turtle.Grains.Records;

/// <summary>The <c>Records</c> section (SPEC §13): how the firm's record is kept and forgotten.</summary>
public sealed class RecordOptions
{
    public const string Section = "Records";

    /// <summary>
    /// An erased client's record entries are kept until their retention ends, the erasure appended to them (a regulator
    /// may ask for what the firm said); false: they are deleted with the client's personal data.
    /// </summary>
    public bool KeepForRegulator { get; set; } = true;
}
