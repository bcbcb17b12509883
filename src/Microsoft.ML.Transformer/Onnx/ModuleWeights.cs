using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>
/// The float32 weights of one module inside a network's state (state_dict names, e.g. <c>body.encoder.layers.0</c>).
/// Every weight the graph uses is taken from the one <see cref="TensorSet"/> with its expected shape, so that the
/// exporter's final <see cref="TensorSet.EnsureAllTaken"/> fails on a weight it does not write: a module that grew a
/// weight the graph does not mirror cannot export a silently different model.
/// </summary>
internal sealed class ModuleWeights(TensorSet state, string prefix = "")
{
    public ModuleWeights Child(string name) => new(state, prefix + name + ".");

    /// <summary>The full state_dict name of this module's weight <paramref name="name"/>.</summary>
    public string Name(string name) => prefix + name;

    public float[] Take(string name, params long[] shape) => state.Take(prefix + name, TensorDType.F32, shape).ToSingleArray();
}
