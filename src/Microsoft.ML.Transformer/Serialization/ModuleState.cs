using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// Converts a TorchSharp module's state (parameters and buffers, by their state_dict names) to and from
/// <see cref="TensorData"/>. This replaces <c>Module.save</c>, whose bytes break across TorchSharp versions.
/// </summary>
internal static class ModuleState
{
    public static List<TensorData> Export(nn.Module module)
    {
        var tensors = new List<TensorData>();
        foreach (var (name, tensor) in module.state_dict())
            tensors.Add(ToTensorData(name, tensor));
        return tensors;
    }

    /// <summary>Copies every state_dict entry of <paramref name="module"/> from <paramref name="saved"/>, checking names,
    /// dtypes and shapes; extra saved tensors are an error.</summary>
    public static void Import(nn.Module module, TensorSet saved)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, target) in module.state_dict())
        {
            TensorData data = saved.Take(name, ToDType(target.dtype), target.shape);
            using Tensor source = ToTensor(data);
            target.copy_(source);
        }
        saved.EnsureAllTaken();
    }

    public static TensorData ToTensorData(string name, Tensor tensor)
    {
        TensorData.RequireLittleEndian();
        using Tensor cpu = tensor.detach().cpu().contiguous();
        TensorDType dtype = ToDType(cpu.dtype);
        return new TensorData(name, dtype, cpu.shape, cpu.bytes.ToArray());
    }

    public static Tensor ToTensor(TensorData data)
    {
        TensorData.RequireLittleEndian();
        Tensor tensor = torch.empty(data.Shape, ToScalarType(data.DType));
        if (data.Data.Length > 0) tensor.bytes = data.Data;
        return tensor;
    }

    private static TensorDType ToDType(ScalarType type) => type switch
    {
        ScalarType.Float32 => TensorDType.F32,
        ScalarType.Float64 => TensorDType.F64,
        ScalarType.BFloat16 => TensorDType.BF16,
        ScalarType.Float16 => TensorDType.F16,
        ScalarType.Int64 => TensorDType.I64,
        ScalarType.Int32 => TensorDType.I32,
        ScalarType.Int16 => TensorDType.I16,
        ScalarType.Int8 => TensorDType.I8,
        ScalarType.Byte => TensorDType.U8,
        ScalarType.Bool => TensorDType.BOOL,
        _ => throw new NotSupportedException($"Saving tensors of type {type} is not supported."),
    };

    public static ScalarType ToScalarType(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => ScalarType.Float32,
        TensorDType.F64 => ScalarType.Float64,
        TensorDType.BF16 => ScalarType.BFloat16,
        TensorDType.F16 => ScalarType.Float16,
        TensorDType.I64 => ScalarType.Int64,
        TensorDType.I32 => ScalarType.Int32,
        TensorDType.I16 => ScalarType.Int16,
        TensorDType.I8 => ScalarType.Int8,
        TensorDType.U8 => ScalarType.Byte,
        _ => ScalarType.Bool,
    };
}
