using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// Reads and writes the safetensors layout: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to its dtype, shape and byte range, then the raw bytes. Files we write open in Python's
/// <c>safetensors</c> as well. Every read is validated, so corruption surfaces as a <see cref="ModelFormatException"/>.
/// </summary>
internal static class SafeTensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100_000_000;

    public static byte[] Write(IReadOnlyCollection<TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header[MetadataKey] = metadata;
        long offset = 0;
        foreach (TensorData t in tensors)
        {
            if (t.Name == MetadataKey || header.ContainsKey(t.Name))
                throw new ArgumentException($"Duplicate or reserved tensor name '{t.Name}'.", nameof(tensors));
            header[t.Name] = new { dtype = t.DType.ToString(), shape = t.Shape, data_offsets = new[] { offset, offset + t.Data.LongLength } };
            offset += t.Data.LongLength;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8; // the spec allows trailing spaces; aligns the data section
        using var output = new MemoryStream(checked((int)(8 + padded + offset)));
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        output.Write(length);
        output.Write(json);
        for (int i = json.Length; i < padded; i++) output.WriteByte((byte)' ');
        foreach (TensorData t in tensors) output.Write(t.Data);
        return output.ToArray();
    }

    /// <summary>Parses and validates a safetensors buffer. <paramref name="source"/> names it in error messages.</summary>
    public static (IReadOnlyList<TensorData> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(byte[] bytes, string source)
    {
        if (bytes.Length < 8) throw Corrupt(source, $"it has {bytes.Length} bytes, fewer than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw Corrupt(source, $"its header claims {headerLength} bytes but only {bytes.Length - 8} follow (truncated?)");
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;

        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength)); }
        catch (JsonException e) { throw new ModelFormatException($"{source} is corrupt: its header is not valid JSON ({e.Message}).", e); }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Corrupt(source, "its header is not a JSON object");
            var metadata = new Dictionary<string, string>();
            var entries = new List<(string Name, TensorDType DType, long[] Shape, long Begin, long End)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Corrupt(source, $"tensor '{property.Name}' appears twice");
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw Corrupt(source, "its __metadata__ is not an object");
                    foreach (JsonProperty m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Corrupt(source, $"metadata '{m.Name}' is not a string");
                    continue;
                }
                entries.Add(ParseEntry(property, source));
            }

            // Byte ranges must tile the data section exactly: no gaps, overlaps or trailing garbage.
            long expectedBegin = 0;
            foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (e.Begin != expectedBegin) throw Corrupt(source, $"tensor '{e.Name}' starts at byte {e.Begin}, expected {expectedBegin}");
                expectedBegin = e.End;
            }
            if (expectedBegin != dataLength)
                throw Corrupt(source, $"its tensors cover {expectedBegin} bytes but the data section has {dataLength} (truncated?)");

            var tensors = entries.Select(e => new TensorData(e.Name, e.DType, e.Shape,
                bytes.AsSpan(dataStart + (int)e.Begin, (int)(e.End - e.Begin)).ToArray())).ToList();
            return (tensors, metadata);
        }
    }

    private static (string, TensorDType, long[], long, long) ParseEntry(JsonProperty property, string source)
    {
        string name = property.Name;
        try
        {
            JsonElement value = property.Value;
            string dtypeText = value.GetProperty("dtype").GetString() ?? "";
            if (!Enum.TryParse(dtypeText, ignoreCase: false, out TensorDType dtype) || !Enum.IsDefined(dtype))
                throw Corrupt(source, $"tensor '{name}' has unknown dtype '{dtypeText}'");
            long[] shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0)) throw Corrupt(source, $"tensor '{name}' has a negative dimension");
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                throw Corrupt(source, $"tensor '{name}' has invalid data_offsets");
            long expected = TensorData.ElementCount(shape) * dtype.ElementSize();
            if (offsets[1] - offsets[0] != expected)
                throw Corrupt(source, $"tensor '{name}' spans {offsets[1] - offsets[0]} bytes but shape {TensorData.FormatShape(shape)} of {dtype} needs {expected}");
            return (name, dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new ModelFormatException($"{source} is corrupt: the header entry of tensor '{name}' is malformed ({e.Message}).", e);
        }
    }

    private static ModelFormatException Corrupt(string source, string what) => new($"{source} is corrupt: {what}.");
}
