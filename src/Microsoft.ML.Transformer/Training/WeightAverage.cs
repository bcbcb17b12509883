using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Checkpoint averaging: the element-wise mean of several saved states of one model (the paper's base models averaged
/// their last 5 checkpoints, fairseq's <c>average_checkpoints.py</c> does the same). Floating-point tensors are summed in
/// float64 and rounded once to their own type; integer and boolean buffers, which are not learned, come from the last state.
/// </summary>
internal static class WeightAverage
{
    /// <summary>The mean of <paramref name="states"/> (each a <see cref="ModuleState.Export"/> of the same module, oldest first).</summary>
    public static List<TensorData> Mean(IReadOnlyList<List<TensorData>> states)
    {
        if (states.Count == 0) throw new ArgumentException("There is no state to average.", nameof(states));
        List<TensorData> last = states[^1];
        var mean = new List<TensorData>(last.Count);
        for (int i = 0; i < last.Count; i++)
        {
            if (!IsFloatingPoint(last[i].DType) || states.Count == 1)
            {
                mean.Add(last[i]);
                continue;
            }
            using var scope = NewDisposeScope();   // one entry's tensors at a time, not every state's copy of the whole model
            Tensor sum = zeros(last[i].Shape, ScalarType.Float64);
            foreach (List<TensorData> state in states)
            {
                TensorData entry = state[i];
                if (entry.Name != last[i].Name || !entry.Shape.SequenceEqual(last[i].Shape))
                    throw new ArgumentException($"The states to average differ at entry {i}: '{entry.Name}' {TensorData.FormatShape(entry.Shape)} " +
                        $"against '{last[i].Name}' {TensorData.FormatShape(last[i].Shape)}.", nameof(states));
                sum.add_(ModuleState.ToTensor(entry));
            }
            Tensor average = sum.div_(KeptScalars.Of((long)states.Count));
            mean.Add(ModuleState.ToTensorData(last[i].Name, average.to(ModuleState.ToScalarType(last[i].DType))));
        }
        return mean;
    }

    private static bool IsFloatingPoint(TensorDType type) => type is TensorDType.F32 or TensorDType.F64 or TensorDType.BF16 or TensorDType.F16;
}
