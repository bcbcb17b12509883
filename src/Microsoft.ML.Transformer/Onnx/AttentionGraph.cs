using Microsoft.ML.Transformer.Modules;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary><see cref="MultiHeadAttention"/> as graph pieces: the projections split into heads, and attention over
/// keys and values already split (the self-attention of one pass, a decoder's cache with the new positions, or the
/// encoder–decoder keys and values computed once from the memory).</summary>
internal static class AttentionGraph
{
    /// <summary>x·Wᵀ + b split into heads: [batch, L, d_model] → [batch, h, L, d_k], or, for keys to multiply by
    /// (<paramref name="transposed"/>), [batch, h, d_k, L] in the same one Transpose.</summary>
    public static string Heads(OnnxGraph graph, string x, ModuleWeights projection, TransformerConfig config, bool transposed = false)
    {
        int width = config.ModelDimension;
        string split = graph.Add("Reshape", [OnnxLayers.Linear(graph, x, projection, width, width),
            graph.Int64s([0, 0, config.Heads, config.HeadDimension])]);   // 0: keep batch and length
        return graph.Add("Transpose", split, Attribute("perm", transposed ? new long[] { 0, 2, 3, 1 } : new long[] { 0, 2, 1, 3 }));
    }

    /// <summary>[batch, h, L, d_k] keys (a cache's layout) → [batch, h, d_k, L], to multiply by.</summary>
    public static string Transposed(OnnxGraph graph, string keys) => graph.Add("Transpose", keys, Attribute("perm", new long[] { 0, 1, 3, 2 }));

    /// <summary>softmax(QKᵀ/√d_k + bias)·V per head, heads concatenated, then W^O.</summary>
    /// <param name="q">[batch, h, L_q, d_k].</param>
    /// <param name="kT">[batch, h, d_k, L_k]: the keys transposed.</param>
    /// <param name="v">[batch, h, L_k, d_k].</param>
    /// <param name="bias">Broadcastable to [batch, h, L_q, L_k]: 0 for keys attended, −∞ for the others.</param>
    /// <param name="attention">The module, for its W^O.</param>
    /// <returns>[batch, L_q, d_model].</returns>
    public static string Attend(OnnxGraph graph, string q, string kT, string v, string bias, TransformerConfig config, ModuleWeights attention)
    {
        int width = config.ModelDimension;
        string scores = graph.Add("Div", [graph.Add("MatMul", [q, kT]), graph.Scalar((float)Math.Sqrt(config.HeadDimension))]);
        string weights = graph.Add("Softmax", graph.Add("Add", [scores, bias]), Attribute("axis", -1L));
        string merged = graph.Add("Reshape", [graph.Add("Transpose", graph.Add("MatMul", [weights, v]), Attribute("perm", new long[] { 0, 2, 1, 3 })),
            graph.Int64s([0, 0, width])]);
        return OnnxLayers.Linear(graph, merged, attention.Child("w_o"), width, width);
    }
}
