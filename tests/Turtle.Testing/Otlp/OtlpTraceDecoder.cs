using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Turtle.Testing.Otlp;

/// <summary>OTLP's <c>Span.SpanKind</c> (opentelemetry/proto/trace/v1/trace.proto).</summary>
public enum OtlpSpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>One span as the collector received it; ids are lower-case hex, a root span has no parent.</summary>
public sealed record OtlpSpan(
    string ServiceName,
    string Scope,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    OtlpSpanKind Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    public override string ToString() =>
        $"{ServiceName} {Scope} {Kind} '{Name}' trace {TraceId} span {SpanId} parent {ParentSpanId ?? "-"}";
}

/// <summary>
/// Decodes an <c>ExportTraceServiceRequest</c> from the protobuf wire format, with the field numbers of
/// opentelemetry-proto: request.resource_spans = 1; ResourceSpans.resource = 1, .scope_spans = 2; Resource.attributes = 1;
/// ScopeSpans.scope = 1, .spans = 2; InstrumentationScope.name = 1; Span.trace_id = 1, .span_id = 2,
/// .parent_span_id = 4, .name = 5, .kind = 6, .attributes = 9; KeyValue.key = 1, .value = 2; AnyValue.string_value = 1,
/// .bool_value = 2, .int_value = 3, .double_value = 4. Every other field is skipped by its wire type, as a protobuf
/// parser must.
/// </summary>
public static class OtlpTraceDecoder
{
    /// <exception cref="InvalidDataException">The bytes are not a well-formed protobuf message.</exception>
    public static IReadOnlyList<OtlpSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<OtlpSpan>();
        var reader = new ProtoReader(request);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.Length)
            {
                DecodeResourceSpans(reader.ReadBytes(), spans);
            }
            else
            {
                reader.Skip(wire);
            }
        }
        return spans;
    }

    private static void DecodeResourceSpans(ReadOnlySpan<byte> message, List<OtlpSpan> spans)
    {
        // The resource may come after its scope spans on the wire: collect both, then join.
        var resource = new Dictionary<string, string>();
        var scopes = new List<byte[]>();
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.Length):
                    ReadAttributes(reader.ReadBytes(), resource);
                    break;
                case (2, WireType.Length):
                    scopes.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        var service = resource.GetValueOrDefault("service.name", "");
        foreach (var scope in scopes)
        {
            DecodeScopeSpans(scope, service, spans);
        }
    }

    private static void DecodeScopeSpans(ReadOnlySpan<byte> message, string service, List<OtlpSpan> spans)
    {
        var scopeName = "";
        var encoded = new List<byte[]>();
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.Length):
                    scopeName = ReadScopeName(reader.ReadBytes());
                    break;
                case (2, WireType.Length):
                    encoded.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        foreach (var span in encoded)
        {
            spans.Add(DecodeSpan(span, service, scopeName));
        }
    }

    private static string ReadScopeName(ReadOnlySpan<byte> message)
    {
        var name = "";
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.Length)
            {
                name = Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else
            {
                reader.Skip(wire);
            }
        }
        return name;
    }

    private static OtlpSpan DecodeSpan(ReadOnlySpan<byte> message, string service, string scope)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null;
        var kind = OtlpSpanKind.Unspecified;
        var attributes = new Dictionary<string, string>();
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.Length):
                    traceId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case (2, WireType.Length):
                    spanId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case (4, WireType.Length):
                    var bytes = reader.ReadBytes();
                    // proto3 leaves an empty parent out, but an exporter may also send it as zero length.
                    parent = bytes.IsEmpty ? null : Convert.ToHexStringLower(bytes);
                    break;
                case (5, WireType.Length):
                    name = Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case (6, WireType.Varint):
                    kind = (OtlpSpanKind)(int)reader.ReadVarint();
                    break;
                case (9, WireType.Length):
                    ReadKeyValue(reader.ReadBytes(), attributes);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return new OtlpSpan(service, scope, traceId, spanId, parent, name, kind, attributes);
    }

    /// <summary>Resource.attributes (field 1), each a KeyValue.</summary>
    private static void ReadAttributes(ReadOnlySpan<byte> message, Dictionary<string, string> into)
    {
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.Length)
            {
                ReadKeyValue(reader.ReadBytes(), into);
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static void ReadKeyValue(ReadOnlySpan<byte> message, Dictionary<string, string> into)
    {
        string? key = null, value = null;
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.Length):
                    key = Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case (2, WireType.Length):
                    value = ReadAnyValue(reader.ReadBytes());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (key is not null)
        {
            into[key] = value ?? "";
        }
    }

    /// <summary>Scalars as text; arrays, maps and bytes are not needed by the tests and read as empty.</summary>
    private static string ReadAnyValue(ReadOnlySpan<byte> message)
    {
        var value = "";
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.Length):
                    value = Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case (2, WireType.Varint):
                    value = reader.ReadVarint() != 0 ? "true" : "false";
                    break;
                case (3, WireType.Varint):
                    value = ((long)reader.ReadVarint()).ToString(CultureInfo.InvariantCulture);
                    break;
                case (4, WireType.Fixed64):
                    value = BitConverter.Int64BitsToDouble((long)reader.ReadFixed64()).ToString(CultureInfo.InvariantCulture);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return value;
    }

    private enum WireType
    {
        Varint = 0,
        Fixed64 = 1,
        Length = 2,
        StartGroup = 3,
        EndGroup = 4,
        Fixed32 = 5,
    }

    /// <summary>The protobuf wire format: each field a varint tag (number &lt;&lt; 3 | wire type) and its payload.</summary>
    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public bool Next(out int field, out WireType wire)
        {
            if (_position >= _data.Length)
            {
                field = 0;
                wire = default;
                return false;
            }
            var tag = ReadVarint();
            field = (int)(tag >> 3);
            wire = (WireType)(tag & 7);
            if (field == 0)
            {
                throw new InvalidDataException("Field number 0 is not valid protobuf.");
            }
            return true;
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _data.Length)
                {
                    throw new InvalidDataException("Truncated varint.");
                }
                var b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }
            throw new InvalidDataException("Varint longer than 10 bytes.");
        }

        public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public ReadOnlySpan<byte> ReadBytes()
        {
            var length = ReadVarint();
            if (length > (ulong)(_data.Length - _position))
            {
                throw new InvalidDataException("Length-delimited field runs past the end of its message.");
            }
            return Take((int)length);
        }

        public void Skip(WireType wire)
        {
            switch (wire)
            {
                case WireType.Varint:
                    ReadVarint();
                    break;
                case WireType.Fixed64:
                    Take(8);
                    break;
                case WireType.Length:
                    ReadBytes();
                    break;
                case WireType.Fixed32:
                    Take(4);
                    break;
                default:
                    // Groups are proto2-only; OTLP is proto3 and never sends them.
                    throw new InvalidDataException($"Unsupported wire type {(int)wire}.");
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _data.Length - _position)
            {
                throw new InvalidDataException("Field runs past the end of its message.");
            }
            var slice = _data.Slice(_position, count);
            _position += count;
            return slice;
        }
    }
}
