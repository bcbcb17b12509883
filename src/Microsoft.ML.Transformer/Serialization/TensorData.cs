using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// One named tensor as saved: element type, shape and little-endian bytes. Independent of TorchSharp, so any
/// component (a tokenizer's merge table, a model's weights) can save arrays the same way.
/// </summary>
internal sealed class TensorData
{
    public TensorData(string name, TensorDType dtype, long[] shape, byte[] data)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("Tensor name must not be empty.", nameof(name));
        if (shape.Any(d => d < 0)) throw new ArgumentException($"Tensor '{name}' has a negative dimension.", nameof(shape));
        long expected = ElementCount(shape) * dtype.ElementSize();
        if (data.LongLength != expected)
            throw new ArgumentException($"Tensor '{name}' has {data.LongLength} bytes; shape {FormatShape(shape)} of {dtype} needs {expected}.", nameof(data));
        Name = name;
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }

    public TensorDType DType { get; }

    public long[] Shape { get; }

    /// <summary>Little-endian element bytes, row-major.</summary>
    public byte[] Data { get; }

    /// <summary>The same tensor under another name (shares the data).</summary>
    public TensorData Rename(string name) => new(name, DType, Shape, Data);

    public static TensorData FromInt32(string name, ReadOnlySpan<int> values, params long[] shape)
        => new(name, TensorDType.I32, shape, ToLittleEndianBytes(values));

    public static TensorData FromSingle(string name, ReadOnlySpan<float> values, params long[] shape)
        => new(name, TensorDType.F32, shape, ToLittleEndianBytes(values));

    public int[] ToInt32Array() => FromLittleEndianBytes<int>(TensorDType.I32);

    public float[] ToSingleArray() => FromLittleEndianBytes<float>(TensorDType.F32);

    public static long ElementCount(IEnumerable<long> shape) => shape.Aggregate(1L, (n, d) => checked(n * d));

    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    private static byte[] ToLittleEndianBytes<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        RequireLittleEndian();
        return MemoryMarshal.AsBytes(values).ToArray();
    }

    private T[] FromLittleEndianBytes<T>(TensorDType expected) where T : unmanaged
    {
        if (DType != expected) throw new InvalidOperationException($"Tensor '{Name}' is {DType}, not {expected}.");
        RequireLittleEndian();
        return MemoryMarshal.Cast<byte, T>(Data).ToArray();
    }

    internal static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Saved tensors are little-endian; big-endian hosts are not supported.");
    }
}
