using Microsoft.ML.Transformer.Modules;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary><see cref="EncoderLayer"/> as a graph: multi-head self-attention, then the feed-forward network, each in
/// its residual connection (post-LN or pre-LN, as <see cref="SublayerConnection"/>).</summary>
internal static class EncoderLayerGraph
{
    /// <param name="x">[batch, sequence, d_model].</param>
    /// <param name="keyBias">[batch, 1, 1, sequence]: 0 for keys attended, −∞ for padding.</param>
    public static string Write(OnnxGraph graph, string x, string keyBias, TransformerConfig config, ModuleWeights layer)
    {
        x = Sublayer(graph, x, config, layer.Child("attn_sublayer"), y => SelfAttention(graph, y, keyBias, config, layer.Child("self_attn")));
        return Sublayer(graph, x, config, layer.Child("ff_sublayer"), y => FeedForward(graph, y, config, layer.Child("feed_forward")));
    }

    /// <summary>Post-LN: LayerNorm(x + Sublayer(x)). Pre-LN: x + Sublayer(LayerNorm(x)).</summary>
    public static string Sublayer(OnnxGraph graph, string x, TransformerConfig config, ModuleWeights connection, Func<string, string> sublayer)
        => config.NormFirst
            ? graph.Add("Add", [x, sublayer(OnnxLayers.LayerNorm(graph, x, connection.Child("norm"), config))])
            : OnnxLayers.LayerNorm(graph, graph.Add("Add", [x, sublayer(x)]), connection.Child("norm"), config);

    /// <summary>Self-attention over the sequence (<see cref="MultiHeadAttention"/>).</summary>
    private static string SelfAttention(OnnxGraph graph, string x, string keyBias, TransformerConfig config, ModuleWeights attention)
    {
        string q = AttentionGraph.Heads(graph, x, attention.Child("w_q"), config);
        string kT = AttentionGraph.Heads(graph, x, attention.Child("w_k"), config, transposed: true);
        string v = AttentionGraph.Heads(graph, x, attention.Child("w_v"), config);
        return AttentionGraph.Attend(graph, q, kT, v, keyBias, config, attention);
    }

    /// <summary>W_2·act(W_1·x + b_1) + b_2 (<see cref="PositionwiseFeedForward"/>); GELU in its exact erf form, as
    /// 0.5·x·(1 + erf(x/√2)), since opset 17 has no Gelu operator.</summary>
    public static string FeedForward(OnnxGraph graph, string x, TransformerConfig config, ModuleWeights feedForward)
    {
        int width = config.ModelDimension, inner = config.ResolvedFeedForwardDimension;
        string hidden = OnnxLayers.Linear(graph, x, feedForward.Child("w_1"), width, inner);
        hidden = config.Activation == FeedForwardActivation.Gelu ? Gelu(graph, hidden) : graph.Add("Relu", hidden);
        return OnnxLayers.Linear(graph, hidden, feedForward.Child("w_2"), inner, width);
    }

    private static string Gelu(OnnxGraph graph, string x)
    {
        string erf = graph.Add("Erf", graph.Add("Mul", [x, graph.Scalar((float)(1 / Math.Sqrt(2)))]));
        return graph.Add("Mul", [graph.Add("Mul", [x, graph.Scalar(0.5f)]), graph.Add("Add", [graph.Scalar(1f), erf])]);
    }
}
