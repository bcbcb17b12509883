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
    private static string Sublayer(OnnxGraph graph, string x, TransformerConfig config, ModuleWeights connection, Func<string, string> sublayer)
        => config.NormFirst
            ? graph.Add("Add", [x, sublayer(OnnxLayers.LayerNorm(graph, x, connection.Child("norm"), config))])
            : OnnxLayers.LayerNorm(graph, graph.Add("Add", [x, sublayer(x)]), connection.Child("norm"), config);

    /// <summary>softmax(QKᵀ/√d_k + bias)·V per head, heads concatenated, then W^O (<see cref="MultiHeadAttention"/>).</summary>
    private static string SelfAttention(OnnxGraph graph, string x, string keyBias, TransformerConfig config, ModuleWeights attention)
    {
        int width = config.ModelDimension;
        string headsShape = graph.Int64s([0, 0, config.Heads, config.HeadDimension]);   // 0: keep batch and sequence
        string Heads(string name, long[] order)
            => graph.Add("Transpose", graph.Add("Reshape", [OnnxLayers.Linear(graph, x, attention.Child(name), width, width), headsShape]),
                Attribute("perm", order));
        string q = Heads("w_q", [0, 2, 1, 3]);            // [batch, h, sequence, d_k]
        string kT = Heads("w_k", [0, 2, 3, 1]);           // [batch, h, d_k, sequence]
        string v = Heads("w_v", [0, 2, 1, 3]);
        string scores = graph.Add("Div", [graph.Add("MatMul", [q, kT]), graph.Scalar((float)Math.Sqrt(config.HeadDimension))]);
        string weights = graph.Add("Softmax", graph.Add("Add", [scores, keyBias]), Attribute("axis", -1L));
        string merged = graph.Add("Reshape", [graph.Add("Transpose", graph.Add("MatMul", [weights, v]), Attribute("perm", new long[] { 0, 2, 1, 3 })),
            graph.Int64s([0, 0, width])]);
        return OnnxLayers.Linear(graph, merged, attention.Child("w_o"), width, width);
    }

    /// <summary>W_2·act(W_1·x + b_1) + b_2 (<see cref="PositionwiseFeedForward"/>); GELU in its exact erf form, as
    /// 0.5·x·(1 + erf(x/√2)), since opset 17 has no Gelu operator.</summary>
    private static string FeedForward(OnnxGraph graph, string x, TransformerConfig config, ModuleWeights feedForward)
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
