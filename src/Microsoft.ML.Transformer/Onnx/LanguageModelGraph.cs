using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary><see cref="DecoderOnlyModel"/> as one decoding step with its key/value cache (<see cref="DecoderStepGraph"/>):
/// run the prompt once with past length 0, then one token per step with the previous step's presents as the past.</summary>
internal static class LanguageModelGraph
{
    /// <summary>The graph's name and the file's <c>mltransformer.kind</c>.</summary>
    public const string Kind = "language_model";

    public static OnnxGraph Write(TransformerConfig config, List<TensorData> state)
    {
        var graph = new OnnxGraph(Kind);
        var weights = new TensorSet(state, "ONNX export of the language model");
        DecoderStepGraph.Write(graph, config, new ModuleWeights(weights), "embedding", cross: null);
        weights.EnsureAllTaken();
        return graph;
    }
}
