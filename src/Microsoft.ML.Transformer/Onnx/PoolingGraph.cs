using static Microsoft.ML.Transformer.Onnx.OnnxGraph;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary><see cref="Modules.Pooling"/> as a graph: [batch, sequence, d] → [batch, d], padding ignored; a row without
/// tokens pools to zeros (mean and max).</summary>
internal static class PoolingGraph
{
    public static string Write(OnnxGraph graph, ClassifierPooling kind, EncoderGraph.EncodedSequence encoder) => kind switch
    {
        ClassifierPooling.ClassToken or ClassifierPooling.Pooler => First(graph, encoder.Hidden),
        ClassifierPooling.Max => Max(graph, encoder),
        _ => Mean(graph, encoder),
    };

    /// <summary>The vector at position 0 ([CLS]).</summary>
    public static string First(OnnxGraph graph, string hidden)
        => graph.Add("Gather", [hidden, graph.Int64s([0], scalar: true)], Attribute("axis", 1L));

    /// <summary>[batch, sequence, 1] float: 1 for a token, 0 for padding.</summary>
    public static string TokenWeights(OnnxGraph graph, EncoderGraph.EncodedSequence encoder)
        => graph.Add("Unsqueeze", [graph.Add("Cast", encoder.IsToken, Attribute("to", (long)DataType.Float)), graph.Int64s([2])]);

    /// <summary>Σ h·isToken / max(1, Σ isToken).</summary>
    public static string Mean(OnnxGraph graph, EncoderGraph.EncodedSequence encoder)
    {
        string axis1 = graph.Int64s([1]);
        string weights = TokenWeights(graph, encoder);
        string counts = graph.Add("Max", [graph.Add("ReduceSum", [weights, axis1], Attribute("keepdims", 0L)), graph.Scalar(1f)]);
        string sums = graph.Add("ReduceSum", [graph.Add("Mul", [encoder.Hidden, weights]), axis1], Attribute("keepdims", 0L));
        return graph.Add("Div", [sums, counts]);
    }

    /// <summary>The element-wise maximum over the tokens; zeros for a row without tokens.</summary>
    private static string Max(OnnxGraph graph, EncoderGraph.EncodedSequence encoder)
    {
        string isToken = graph.Add("Unsqueeze", [encoder.IsToken, graph.Int64s([2])]);
        string masked = graph.Add("Where", [isToken, encoder.Hidden, graph.Scalar(float.NegativeInfinity)]);
        // opset 17's ReduceMax takes its axes as an attribute (an input from opset 18 on)
        string maximum = graph.Add("ReduceMax", masked, Attribute("axes", new long[] { 1 }), Attribute("keepdims", 0L));
        return graph.Add("Where", [encoder.NoToken, graph.Scalar(0f), maximum]);
    }
}
