using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>
/// A <see cref="TransformerEncoderModel"/>'s features as a graph, as <c>EmbeddingBlockMapper</c> and
/// <c>PretrainedEncoderBlockMapper</c> make them: <c>input_ids</c> [batch, sequence] int64 → the hidden states
/// [batch, sequence, d_model] with padding positions set to zero, or their mean over the tokens [batch, d_model];
/// optionally scaled to unit L2 length (zero vectors stay zero). The output is named as the ML.NET column.
/// </summary>
internal static class FeaturesGraph
{
    public static OnnxGraph Write(string name, TransformerConfig config, List<TensorData> state, EmbeddingPooling pooling, bool normalize, string output)
    {
        var graph = new OnnxGraph(name);
        var weights = new TensorSet(state, $"ONNX export of the {name}");
        EncoderGraph.EncodedSequence encoder = EncoderGraph.Write(graph, EncoderGraph.Input(graph), config, new ModuleWeights(weights));
        weights.EnsureAllTaken();

        string features = pooling == EmbeddingPooling.Mean
            ? PoolingGraph.Mean(graph, encoder)
            : graph.Add("Mul", [encoder.Hidden, PoolingGraph.TokenWeights(graph, encoder)]);
        if (normalize)
        {
            // x / max(‖x‖₂, 1e-12), as nn.functional.normalize; opset 17's ReduceL2 takes its axes as an attribute
            string norm = graph.Add("ReduceL2", features, Attribute("axes", new long[] { -1 }), Attribute("keepdims", 1L));
            features = graph.Add("Div", [features, graph.Add("Max", [norm, graph.Scalar(1e-12f)])]);
        }
        if (pooling == EmbeddingPooling.Mean)
            graph.Output(features, output, DataType.Float, EncoderGraph.Batch, config.ModelDimension);
        else
            graph.Output(features, output, DataType.Float, EncoderGraph.Batch, EncoderGraph.Sequence, config.ModelDimension);
        return graph;
    }
}
