using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// Rejects saved floating-point tensors that hold NaN or ±∞: such a model would load and score NaN everywhere, and
/// ML.NET's evaluators would then fail with messages that do not point at the model.
/// </summary>
internal static class NonFiniteValues
{
    public static void Reject(IEnumerable<TensorData> tensors, string where)
    {
        foreach (TensorData tensor in tensors)
        {
            long at = FirstIndex(tensor);
            if (at >= 0)
                throw new ModelFormatException(
                    $"{where}: tensor '{tensor.Name}' holds a non-finite value (NaN or infinity) at element {at}; " +
                    "the model file is corrupt or was saved from a training run that diverged.");
        }
    }

    /// <summary>Index of the first element whose exponent bits are all ones (NaN or ±∞), or -1.</summary>
    private static long FirstIndex(TensorData tensor)
    {
        TensorData.RequireLittleEndian();
        return tensor.DType switch
        {
            TensorDType.F32 => FirstWithAllBits(MemoryMarshal.Cast<byte, uint>(tensor.Data), 0x7F80_0000u),
            TensorDType.F64 => FirstWithAllBits(MemoryMarshal.Cast<byte, ulong>(tensor.Data), 0x7FF0_0000_0000_0000ul),
            TensorDType.F16 => FirstWithAllBits(MemoryMarshal.Cast<byte, ushort>(tensor.Data), (ushort)0x7C00),
            TensorDType.BF16 => FirstWithAllBits(MemoryMarshal.Cast<byte, ushort>(tensor.Data), (ushort)0x7F80),
            _ => -1,
        };
    }

    private static long FirstWithAllBits<T>(ReadOnlySpan<T> bits, T exponent) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        for (int i = 0; i < bits.Length; i++)
            if ((bits[i] & exponent) == exponent) return i;
        return -1;
    }
}
