namespace Microsoft.ML.Transformer.Serialization;

/// <summary>Element types of saved tensors, named as in the safetensors format.</summary>
internal enum TensorDType
{
    F32,
    F64,
    BF16,
    F16,
    I64,
    I32,
    I16,
    I8,
    U8,
    BOOL,
}

internal static class TensorDTypeExtensions
{
    public static int ElementSize(this TensorDType dtype) => dtype switch
    {
        TensorDType.F64 or TensorDType.I64 => 8,
        TensorDType.F32 or TensorDType.I32 => 4,
        TensorDType.BF16 or TensorDType.F16 or TensorDType.I16 => 2,
        _ => 1,
    };
}
