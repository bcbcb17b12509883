using System.Buffers.Binary;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Pretrained;

/// <summary>Checkpoint weights come as fp32, fp16, bf16 (or fp64); the encoder computes in fp32, so all become F32.</summary>
internal static class Float32Weights
{
    public static TensorData Convert(TensorData tensor, string file)
    {
        if (tensor.DType == TensorDType.F32) return tensor;
        TensorData.RequireLittleEndian();
        int size = tensor.DType.ElementSize();
        Func<ReadOnlySpan<byte>, float> read = tensor.DType switch
        {
            TensorDType.F16 => b => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
            // bf16 is the upper half of an fp32: shift its bits back into place.
            TensorDType.BF16 => b => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
            TensorDType.F64 => b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
            _ => throw new ModelFormatException(
                $"{file}: tensor '{tensor.Name}' is {tensor.DType}; weights must be F32, F16, BF16 or F64."),
        };
        var values = new float[tensor.Data.Length / size];
        for (int i = 0; i < values.Length; i++) values[i] = read(tensor.Data.AsSpan(i * size, size));
        return TensorData.FromSingle(tensor.Name, values, tensor.Shape);
    }
}
